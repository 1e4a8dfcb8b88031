// The temporary files outputs are written to before their rename (`.NAME.PID.HEX.tmp` next to
// the target), and the staging folders a folder output is built in (splade quantize's), named
// the same way. A run stopped by Ctrl-C or `kill` would leave them behind, hidden and as large
// as the output: each is tracked while it may exist, and the CLI removes those left when a
// signal stops it (removeTempFilesOnSignals). The library installs no signal handler itself.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, dirname, join } from 'node:path';

const live = new Set<string>();

/** A fresh temporary name (for a file or a folder) next to `path` (same file system, so it can be renamed over it), tracked until released. */
export function tempPathFor(path: string): string {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  live.add(temp);
  return temp;
}

/** The temporary file or folder was renamed or removed: nothing to remove at a signal any more. */
export function releaseTemp(temp: string): void {
  live.delete(temp);
}

/** The signals after which a command line tool is expected to tidy up and exit. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * On SIGINT, SIGTERM or SIGHUP: removes the temporary files and folders still tracked, calls `stopped`
 * (the command line says what was not written), then exits with the status a shell reports for
 * that signal (128 + its number: 130 for Ctrl-C). Files that are kept on purpose, such as
 * `splade encode --output`'s FILE.partial for --resume, are never tracked.
 */
export function removeTempFilesOnSignals(stopped: () => void = () => undefined): void {
  for (const signal of STOP_SIGNALS) {
    process.once(signal, () => {
      // Recursive for a staging folder; every tracked name was made here, never a user's path.
      for (const temp of live) rmSync(temp, { recursive: true, force: true });
      stopped();
      process.exit(128 + constants.signals[signal]);
    });
  }
}
