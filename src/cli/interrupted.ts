// What a command that writes its output under a temporary name does when Ctrl-C or `kill`
// stops it: removes the temporary file (or staging folder) rather than leave one as large as
// the output behind, says so in one line, and exits with the shell's status for the signal
// (130, 143 or 129). splade index, serve and encode --output handle signals their own way.
import { removeTempFilesOnSignals } from '../node/temp-files.js';

/** Installs the signal handlers for a command writing `out`; `temporary` names what is removed. */
export function cleanUpWhenInterrupted(out: string, temporary: 'file' | 'folder' = 'file'): void {
  removeTempFilesOnSignals(() => process.stderr.write(`splade: interrupted: ${out} was not written, and the temporary ${temporary} is removed\n`));
}
