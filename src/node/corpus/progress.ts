// Progress of a corpus run on stderr: a bar (documents, docs/s, ETA) when stderr is a
// terminal, else a plain line every PLAIN_INTERVAL_MS (logs of batch jobs stay readable).
import cliProgress from 'cli-progress';

/** Receives the run's progress. */
export interface ProgressSink {
  /** `count` more documents are written. */
  advance(count: number): void;
  /** The run is over (the final line, or nothing after a failure). */
  stop(finished: boolean): void;
}

/** "1h02m", "3m07s", "12s": the shortest readable form of a duration. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Where a run stands, as one line. `total` undefined: the input's size is unknown (stdin). */
export function progressLine(done: number, total: number | undefined, newDocs: number, seconds: number): string {
  const rate = seconds > 0 ? newDocs / seconds : 0;
  const head = total === undefined ? `${done} documents` : `${done}/${total} documents (${total === 0 ? 100 : Math.floor((100 * done) / total)}%)`;
  const eta = total !== undefined && rate > 0 && done < total ? `, ETA ${formatDuration((total - done) / rate)}` : '';
  return `${head}, ${rate.toFixed(1)} docs/s${eta}`;
}

export const PLAIN_INTERVAL_MS = 10_000;

export interface ProgressOptions {
  /** Documents in the run (this shard), when known. */
  readonly total: number | undefined;
  /** Documents already done (kept from an interrupted run). */
  readonly initial: number;
  /** What a finished run is called in the last line, e.g. the output file. */
  readonly label: string;
}

/** A bar on a terminal, plain periodic lines elsewhere. */
export function createProgress(stream: NodeJS.WriteStream, options: ProgressOptions): ProgressSink {
  return stream.isTTY ? barProgress(stream, options) : plainProgress(stream, options);
}

function plainProgress(stream: NodeJS.WriteStream, options: ProgressOptions, now = () => Date.now()): ProgressSink {
  const started = now();
  let done = options.initial;
  let lastPrint = started;
  const line = (): string => progressLine(done, options.total, done - options.initial, (now() - started) / 1000);
  return {
    advance(count) {
      done += count;
      if (now() - lastPrint >= PLAIN_INTERVAL_MS) {
        lastPrint = now();
        stream.write(`splade encode: ${line()}\n`);
      }
    },
    stop(finished) {
      if (finished) stream.write(`splade encode: ${line()}: wrote ${options.label}\n`);
    },
  };
}

function barProgress(stream: NodeJS.WriteStream, options: ProgressOptions): ProgressSink {
  const known = options.total !== undefined;
  const bar = new cliProgress.SingleBar({
    stream,
    format: known ? '{bar} {value}/{total} docs | {rate} docs/s | ETA {eta_formatted}' : '{value} docs | {rate} docs/s',
    hideCursor: true,
    etaBuffer: 50,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  let done = options.initial;
  bar.start(options.total ?? 0, done, { rate: '0.0' });
  return {
    advance(count) {
      done += count;
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, { rate: (seconds > 0 ? (done - options.initial) / seconds : 0).toFixed(1) });
    },
    stop(finished) {
      bar.stop();
      if (finished) stream.write(`splade encode: ${progressLine(done, options.total, done - options.initial, (Date.now() - started) / 1000)}: wrote ${options.label}\n`);
    },
  };
}
