// Download progress on stderr: a bar redrawn in place on a terminal (bytes, rate, ETA), a
// plain line every few seconds otherwise (logs, CI), so neither floods nor stays silent.

/** Receives the events of a download; `silentProgress` ignores them. */
export interface DownloadProgress {
  /** A file starts (or resumes at `resumedFrom` bytes); `total` when known. */
  fileStarted(name: string, total: number | undefined, resumedFrom: number): void;
  /** `count` more bytes of the current file arrived. */
  received(count: number): void;
  /** The connection dropped; the download goes on from where it stopped. */
  retrying(name: string, reason: string, attempt: number): void;
  /** The file is in place, with why: 'downloaded', 'already present', ...; `size` in bytes when known. */
  fileDone(name: string, outcome: string, size?: number): void;
  /** A line of its own (e.g. "converting to safetensors"). */
  note(message: string): void;
}

export const silentProgress: DownloadProgress = {
  fileStarted() {},
  received() {},
  retrying() {},
  fileDone() {},
  note() {},
};

/** The part of a stream the reporter needs (process.stderr fits). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Bytes as `12.3 MB` (powers of 1000, as the hub shows sizes). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Seconds as `42s`, `3m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

interface Current {
  name: string;
  total: number | undefined;
  bytes: number;
  startBytes: number;
  startTime: number;
}

/**
 * A reporter writing to `stream`. On a TTY the line is redrawn at most 10 times a second;
 * elsewhere one line every `plainIntervalMs` (default 5 s) and one when a file finishes.
 */
export function streamProgress(
  stream: ProgressStream,
  options: { plainIntervalMs?: number; now?: () => number } = {},
): DownloadProgress {
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const interval = tty ? 100 : (options.plainIntervalMs ?? 5000);
  let current: Current | undefined;
  let lastDraw = 0;

  const status = (c: Current): string => {
    const elapsed = (now() - c.startTime) / 1000;
    const rate = elapsed > 0 ? (c.bytes - c.startBytes) / elapsed : 0;
    const done = formatBytes(c.bytes);
    if (c.total === undefined) return `${c.name} ${done} ${formatBytes(rate)}/s`;
    const percent = c.total > 0 ? Math.floor((100 * c.bytes) / c.total) : 100;
    const eta = rate > 0 ? formatDuration((c.total - c.bytes) / rate) : '?';
    const sizes = `${done} / ${formatBytes(c.total)} ${String(percent).padStart(3)}% ${formatBytes(rate)}/s ETA ${eta}`;
    if (!tty) return `${c.name}: ${sizes}`;
    const width = 24;
    const filled = c.total > 0 ? Math.round((width * c.bytes) / c.total) : width;
    return `${c.name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${sizes}`;
  };
  const draw = (force: boolean) => {
    if (!current) return;
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    if (tty) {
      const columns = stream.columns ?? 100;
      stream.write(`\r${status(current).slice(0, columns - 1)}\x1b[K`);
    } else {
      stream.write(`${status(current)}\n`);
    }
  };
  const endLine = (text: string) => stream.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`);

  return {
    fileStarted(name, total, resumedFrom) {
      current = { name, total, bytes: resumedFrom, startBytes: resumedFrom, startTime: now() };
      lastDraw = now();
      if (resumedFrom > 0) endLine(`${name}: resuming at ${formatBytes(resumedFrom)}`);
      else if (tty) draw(true);
    },
    received(count) {
      if (!current) return;
      current.bytes += count;
      draw(false);
    },
    retrying(name, reason, attempt) {
      endLine(`${name}: ${reason}; retrying (attempt ${attempt})`);
    },
    fileDone(name, outcome) {
      const size = current?.name === name && current.total !== undefined ? ` (${formatBytes(current.total)})` : '';
      current = undefined;
      endLine(`${name}: ${outcome}${size}`);
    },
    note(message) {
      endLine(message);
    },
  };
}
