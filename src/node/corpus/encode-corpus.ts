// `splade encode --input corpus.jsonl --output vectors.jsonl`: the corpus pipeline.
//
// Documents stream in, are cut into windows of `windowSize` consecutive documents (counted
// within this shard), and each window is encoded whole (sorted by length and batched inside
// the encoder), up to 2 x parallelism windows at a time. Windows are written in order, so the
// output is in input order and memory holds only the windows in flight.
//
// The output grows under OUTPUT.partial and is renamed to OUTPUT only when complete, so a file
// named OUTPUT is always a finished run. --resume keeps the partial file's complete lines,
// checks that their ids are the input's first ones, and re-encodes from the start of the
// window they end in: every window is then batched exactly as in an uninterrupted run, so the
// resumed file is byte for byte the same.
//
// A repeated document id is refused before the model loads: in the pass that counts a file's
// documents (its IdTable let go before the model loads), or, for stdin, read only once, at the
// repeated line (the partial file then left, as after any error mid-run).
import { access, open, rename, type FileHandle } from 'node:fs/promises';
import { SpladeError } from '../../errors.js';
import { pruneTopK } from '../../splade/sparse-vector.js';
import { fileError } from '../files.js';
import { CorpusIdCheck } from './corpus-ids.js';
import type { InputFormat } from './document-record.js';
import { readDocuments, readLines, type CorpusDocument } from './documents.js';
import { inputName } from './input-bytes.js';
import type { ProgressSink } from './progress.js';
import { lineId, truncatePartial } from './resume.js';
import { vectorLine } from './vector-line.js';
import { shardOf, type Shard } from './shard.js';
import { addTextCounts, NO_TEXTS, type EncodedWindow, type TextCounts } from './text-counts.js';
import type { WindowEncoder } from './window-encoder.js';

/** A --resume whose partial file does not belong to this input (or shard). */
export class ResumeMismatchError extends SpladeError {}

/** An earlier interrupted run's partial file found by a run without --resume. */
export class PartialRunExistsError extends SpladeError {}

export interface CorpusRun {
  /** JSON or TSV lines (a file, or `-` for stdin). */
  readonly input: string;
  /** How the input's lines are written; by default by its name (see inputFormat). */
  readonly format?: InputFormat;
  /** vectors.jsonl; written as `${output}.partial` until complete. */
  readonly output: string;
  readonly resume: boolean;
  readonly shard?: Shard;
  /** Documents per window (the unit of length sorting and of work for a worker). */
  readonly windowSize: number;
  /** Keep the k heaviest terms of each vector. */
  readonly topK?: number;
  /**
   * Refuse a repeated document id, as splade index and export would (default true); false
   * saves the check's memory (the ids' bytes and ~25 bytes an id) for ids known to be unique.
   */
  readonly checkIds?: boolean;
  /** Makes the encoder, once the files are checked. */
  readonly encoder: () => Promise<WindowEncoder>;
  /** Makes the progress display: documents in this run (if known) and already done. */
  readonly progress: (total: number | undefined, initial: number) => ProgressSink;
}

export interface CorpusResult {
  /** Documents in the output. */
  readonly documents: number;
  /** Of which kept from the interrupted run. */
  readonly kept: number;
  /** The output was already complete (--resume with no partial file): nothing was done. */
  readonly alreadyComplete: boolean;
  /** What was counted of the texts encoded in this run (for notices such as empty or cut texts). */
  readonly counts: TextCounts;
}

/** The partial file a run writes before renaming it to `output`. */
export function partialPath(output: string): string {
  return `${output}.partial`;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * The documents of this shard, in input order, each given to `ids` when there is one (equal
 * ids hash to one shard, so a shard's own ids are all a repeat can be among).
 */
async function* shardDocuments(run: CorpusRun, ids?: CorpusIdCheck): AsyncGenerator<CorpusDocument> {
  const { shard } = run;
  for await (const doc of readDocuments(run.input, run.format)) {
    if (shard && shardOf(doc.id, shard.count) !== shard.index) continue;
    ids?.add(doc);
    yield doc;
  }
}

/** The check of this run's ids, unless it is turned off. */
function idCheck(run: CorpusRun): CorpusIdCheck | undefined {
  return run.checkIds === false ? undefined : new CorpusIdCheck(inputName(run.input));
}

/**
 * Counts (and so checks: lines, and ids unless turned off) the documents first, for the ETA;
 * not for stdin, read only once.
 */
async function countDocuments(run: CorpusRun): Promise<number | undefined> {
  if (run.input === '-') return undefined;
  let count = 0;
  for await (const _ of shardDocuments(run, idCheck(run))) count++;
  return count;
}

interface Window {
  /** Position (within the shard) of its first document. */
  readonly start: number;
  readonly docs: CorpusDocument[];
  readonly encoded: Promise<EncodedWindow>;
}

/** Runs the pipeline; see the file comment. */
export async function encodeCorpus(run: CorpusRun): Promise<CorpusResult> {
  const partial = partialPath(run.output);
  let kept = 0;
  if (run.resume) {
    if (await exists(partial)) kept = (await truncatePartial(partial)).lines;
    else if (await exists(run.output)) return { documents: 0, kept: 0, alreadyComplete: true, counts: NO_TEXTS };
  } else if (await exists(partial)) {
    throw new PartialRunExistsError(`${partial} exists: an earlier run was interrupted; rerun with --resume to continue it, or delete it`);
  }
  const total = await countDocuments(run);
  if (total !== undefined && kept > total) {
    throw new ResumeMismatchError(`${partial} has ${kept} lines but ${run.input} has ${total} documents${run.shard ? ' in this shard' : ''}: it is not this input's output`);
  }
  const encoder = await run.encoder();
  let handle: FileHandle | undefined;
  const progress = run.progress(total, kept);
  let finished = false;
  try {
    try {
      handle = await open(partial, run.resume ? 'a' : 'wx');
    } catch (error) {
      throw fileError(partial, 'open', error);
    }
    const { documents, counts } = await pipeline(run, encoder, handle, kept, partial, progress);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(partial, run.output).catch((error: unknown) => {
      throw fileError(run.output, 'rename the finished run to', error);
    });
    finished = true;
    return { documents, kept, alreadyComplete: false, counts };
  } finally {
    progress.stop(finished);
    await handle?.close().catch(() => undefined);
    await encoder.close();
  }
}

async function pipeline(
  run: CorpusRun, encoder: WindowEncoder, handle: FileHandle, kept: number, partial: string, progress: ProgressSink,
): Promise<{ documents: number; counts: TextCounts }> {
  const doneLines = kept > 0 ? readLines(partial) : undefined;
  const inFlight: Window[] = [];
  let counts = NO_TEXTS;
  const writeHead = async (): Promise<void> => {
    const window = inFlight.shift()!;
    const { vectors, counts: windowCounts } = await window.encoded;
    counts = addTextCounts(counts, windowCounts);
    let text = '';
    let count = 0;
    window.docs.forEach((doc, k) => {
      if (window.start + k < kept) return;
      const vector = run.topK === undefined ? vectors[k] : pruneTopK(vectors[k], run.topK);
      text += vectorLine(doc.id, vector);
      count++;
    });
    try {
      await handle.write(text);
    } catch (error) {
      throw fileError(partial, 'write', error);
    }
    progress.advance(count);
  };
  const submit = async (start: number, docs: CorpusDocument[]): Promise<void> => {
    const encoded = encoder.encode(docs.map((doc) => doc.text));
    encoded.catch(() => undefined); // awaited in order by writeHead; never an unhandled rejection
    inFlight.push({ start, docs, encoded });
    while (inFlight.length >= 2 * encoder.parallelism) await writeHead();
  };

  let position = 0;
  let window: CorpusDocument[] = [];
  // A file's ids were checked as it was counted; stdin's are checked now.
  for await (const doc of shardDocuments(run, run.input === '-' ? idCheck(run) : undefined)) {
    if (position < kept) {
      await checkKept(doneLines!, doc, position, partial);
      if (position + 1 === kept) await doneLines!.return(undefined);
    }
    const start = position - (position % run.windowSize);
    // A window that ends before the kept lines do is not needed again.
    if (start + run.windowSize > kept) window.push(doc);
    position++;
    if (position % run.windowSize === 0 && window.length > 0) {
      await submit(start, window);
      window = [];
    }
  }
  if (window.length > 0) await submit(position - window.length, window);
  while (inFlight.length > 0) await writeHead();
  if (position < kept) {
    throw new ResumeMismatchError(`${partial} has ${kept} lines but the input has only ${position} documents${run.shard ? ' in this shard' : ''}: it is not this input's output`);
  }
  return { documents: position, counts };
}

/** The kept line at `position` must be this document's (the same input, in the same order). */
async function checkKept(lines: AsyncGenerator<{ line: string }>, doc: CorpusDocument, position: number, partial: string): Promise<void> {
  const next = await lines.next();
  const id = next.done ? undefined : lineId(next.value.line);
  if (JSON.stringify(id) !== JSON.stringify(doc.id)) {
    if (!next.done) void lines.return(undefined);
    throw new ResumeMismatchError(
      `${partial} line ${position + 1} has id ${JSON.stringify(id)} but document ${position + 1} of the input is ${JSON.stringify(doc.id)}: the partial file comes from another input or --shard`,
    );
  }
}
