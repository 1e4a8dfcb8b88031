// The corpus side of `splade encode` (--output, --resume, --shard, --workers): checks the
// flags and runs src/node/corpus/encode-corpus.ts. Kept out of commands/encode.ts, which
// only hands over when --output is given.
import type { InputFormat } from '../node/corpus/document-record.js';
import { encodeCorpus, partialPath } from '../node/corpus/encode-corpus.js';
import { localWindowEncoder } from '../node/corpus/local-encoder.js';
import { createProgress } from '../node/corpus/progress.js';
import { parseShard, ShardSpecError, type Shard } from '../node/corpus/shard.js';
import { sameFile } from '../node/same-file.js';
import type { EncodeSettings } from '../node/corpus/window-encoder.js';
import { workerPool } from '../node/corpus/worker-pool.js';
import type { TextCounts } from '../node/corpus/text-counts.js';
import { UsageError } from './command.js';
import { overflowNote } from './encode-options.js';
import { modelTextLimits } from './model-text-limits.js';
import { checkOutputPath } from './output-path.js';
import { tallyNotices } from './text-limits.js';

/** The usage lines of the corpus flags (part of `splade encode --help`). */
export const corpusUsage = `corpus (--input FILE --output FILE; streams, memory flat whatever the corpus size):
  --output FILE       write {"id", "indices", "values"} lines to FILE, in input order, with
                      progress on stderr; written as FILE.partial and renamed when complete
  --resume            continue an interrupted run (even kill -9): keeps FILE.partial's
                      complete lines and ends with the file an uninterrupted run writes
                      (same input and flags: the kept ids are checked, not the texts or
                      flags; after changing either, delete FILE.partial instead)
  --shard i/N         encode only shard i (0 to N-1) of N: the documents whose id hashes to i
                      (FNV-1a 32 of the id's UTF-8 text, mod N); the N outputs together are
                      exactly one run's lines (one shard per machine, job or task)
  --workers N         N encoder processes (default 1), each with cores/N kernel threads
                      (or --threads each)
  --window N          documents sorted by length together (default 32 x --batch-size)
  --no-id-check       do not check that ids are unique: for ids known to be, in a corpus so
                      large that the check's memory matters (the ids' bytes and ~25 bytes an
                      id, while the input is counted, before the model loads)

A repeated id (the number 7 and the string "7" are one: ids are stored as text) is refused
before the model loads, naming both lines, as splade index and splade export refuse it; with
--shard, among the shard's documents (equal ids fall in one shard). Stdin is not counted
first: its repeated id stops the run at that line, leaving FILE.partial (delete it).`;

/** The parsed `splade encode` flags the corpus run reads. */
export interface CorpusFlags {
  readonly model: string;
  readonly input: string | undefined;
  /** --input-format, when given (else the input's name decides). */
  readonly inputFormat: InputFormat | undefined;
  readonly output: string;
  readonly resume: boolean | undefined;
  readonly shard: string | undefined;
  readonly workers: number | undefined;
  readonly window: number | undefined;
  readonly topK: number | undefined;
  /** Refuse a repeated id (off with --no-id-check). */
  readonly checkIds: boolean;
  readonly settings: Omit<EncodeSettings, 'model'>;
  /** Flags that make no sense with --output (already named, e.g. ['--text']). */
  readonly conflicting: readonly string[];
}

/** Runs `splade encode ... --output FILE`; the exit code. */
export async function runCorpusEncode(flags: CorpusFlags): Promise<number> {
  if (flags.conflicting.length > 0) throw new UsageError(`--output takes no ${flags.conflicting.join(', ')}`);
  if (flags.output === '-') throw new UsageError('--output needs a file name: the run is written as FILE.partial and renamed when complete');
  if (flags.input === undefined) throw new UsageError('--output needs --input FILE (JSON or TSV lines, or - for stdin)');
  if (flags.resume && flags.input === '-') throw new UsageError('--resume needs --input FILE: stdin cannot be read again');
  await checkOutputPath({ flag: '--output', path: flags.output }, [{ flag: '--input', path: flags.input }]);
  await checkPartialIsNotInput(flags.output, flags.input);
  let shard: Shard | undefined;
  try {
    shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  } catch (error) {
    if (error instanceof ShardSpecError) throw new UsageError(error.message);
    throw error;
  }
  const settings: EncodeSettings = { model: flags.model, ...flags.settings };
  const workers = flags.workers ?? 1;
  const entry = process.argv[1];
  const result = await encodeCorpus({
    input: flags.input,
    format: flags.inputFormat,
    output: flags.output,
    resume: flags.resume ?? false,
    shard,
    windowSize: flags.window ?? 32 * (settings.batchSize ?? 16),
    topK: flags.topK,
    checkIds: flags.checkIds,
    encoder: () => (workers > 1 ? workerPool(entry, workers, settings) : localWindowEncoder(settings)),
    progress: (total, initial) => createProgress(process.stderr, { total, initial, label: flags.output }),
  });
  if (result.alreadyComplete) process.stderr.write(`splade encode: ${flags.output} is already complete; nothing to do\n`);
  else if (result.kept > 0) process.stderr.write(`splade encode: kept ${result.kept} documents of the interrupted run\n`);
  for (const notice of await corpusNotices(result.counts, settings)) process.stderr.write(notice + '\n');
  return 0;
}

/**
 * The run grows as FILE.partial, which --resume cuts after its last vector line and the end
 * renames to FILE: an input of that name (by any spelling or link) would be cut short or
 * renamed away.
 */
async function checkPartialIsNotInput(output: string, input: string): Promise<void> {
  const partial = partialPath(output);
  if (input !== '-' && (await sameFile(partial, input))) {
    throw new UsageError(`--output ${output} is written as ${partial}, which is the --input file: it would be cut short or renamed away; give another --output`);
  }
}

/**
 * The notices `splade encode` gives without --output (empty texts; texts cut, or with
 * --overflow chunk run as windows), from the counts of the whole run: said once, at the end.
 */
async function corpusNotices(counts: TextCounts, settings: EncodeSettings): Promise<string[]> {
  if (counts.empty === 0 && counts.overflowed === 0) return [];
  const chunk = settings.overflow === 'chunk';
  const tally = { texts: counts.texts, empty: counts.empty, truncated: chunk ? 0 : counts.overflowed };
  // The special tokens a cut text keeps are named as without --output: the model's that encoded
  // the texts (read here only when a text was cut; each worker process has its own copy).
  const model = settings.role === 'query' && settings.queryModel !== undefined ? settings.queryModel : settings.model;
  const specials = tally.truncated > 0 ? (await modelTextLimits(model))?.tokenizer.encode('') : undefined;
  const notices = tallyNotices(tally, counts.maxLength, specials ?? { ids: [] });
  const windows = chunk ? overflowNote(counts, 'chunk') : undefined;
  return windows === undefined ? notices : [...notices, windows.trimEnd()];
}
