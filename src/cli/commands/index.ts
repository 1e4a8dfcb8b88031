// `splade index`: an inverted index file from the vectors `splade encode` writes.
import { constants } from 'node:os';
import { buildIndexFile } from '../../node/index-file.js';
import { DuplicateIdError, IndexBuildError } from '../../search/index-builder.js';
import type { ImpactType } from '../../search/index-format.js';
import type { VectorLine } from '../../search/vector-lines.js';
import { oneOf, parseCommandArgs, wholeNumber } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { checkOutputPath } from '../output-path.js';
import { inputName } from '../../node/corpus/input-bytes.js';
import { readVectorLines } from '../input-lines.js';
import { VectorLineNumbers } from '../../splade/line-numbers.js';
import { repeatedIdMessage } from '../../splade/document-id.js';

const usage = `usage: splade index --vectors FILE.jsonl|- --out FILE.spladeidx [--quantize u8] [--vocab-size N] [--block-size N]

Builds an inverted index in one file from JSON lines {"id", "indices", "values"} (one
document a line, as \`splade encode\` writes them; ids are kept as text, and a line whose id
an earlier line has is refused, naming both). Memory is bounded but for the ids (their bytes
and ~25 bytes each): sorted runs are spilled to a temporary folder next to --out. The
file is written under a temporary name and renamed at the end: --out is never half-written.
Interrupted (Ctrl-C, SIGTERM), it removes its temporary files and exits with status 130 (SIGTERM: 143).

options:
  --vectors FILE|-   the document vectors (- for standard input)
  --out FILE         the index file to write (replaced if it exists)
  --quantize u8      store each weight in one byte (rounded to a multiple of max/255) instead
                     of a float32: a smaller file; each weight moves by at most max/510
  --vocab-size N     term ids must be below N (default: the largest id + 1)
  --block-size N     postings per block of block-max metadata (default 64)`;

export const command: Command = {
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
        vectors: { type: 'string' },
        out: { type: 'string' },
        quantize: { type: 'string' },
        'vocab-size': { type: 'string' },
        'block-size': { type: 'string' },
    });
    if (values.vectors === undefined || values.out === undefined) throw new UsageError('--vectors and --out are required');
    await checkOutputPath({ flag: '--out', path: values.out }, [{ flag: '--vectors', path: values.vectors }]);
    const impacts: ImpactType = oneOf('quantize', values.quantize, ['u8']) ?? 'float32';
    const vocabSize = wholeNumber('vocab-size', values['vocab-size'], { min: 1 });
    const blockSize = wholeNumber('block-size', values['block-size'], { min: 1 });
    const at = { line: 0 };
    const lines = new VectorLineNumbers();
    const started = performance.now();
    // Ctrl-C or a kill stops the build cleanly: without this the process would end at once,
    // leaving the temporary index and the spilled runs next to --out (a second Ctrl-C still
    // ends it at once: the handlers are removed by the first).
    const interrupted = new AbortController();
    const interrupt = (signal: NodeJS.Signals): void => interrupted.abort(signal);
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    let stats;
    try {
      stats = await buildIndexFile(values.out, numbered(readVectorLines(values.vectors, at), at, lines), {
        impacts, vocabSize, blockSize, signal: interrupted.signal, ...(values.vectors === '-' ? {} : { source: values.vectors }),
      });
    } catch (error) {
      if (interrupted.signal.aborted) return stoppedBy(interrupted.signal.reason as NodeJS.Signals, values.out, values.vectors);
      // The builder names the documents; the line numbers are the reader's.
      if (error instanceof DuplicateIdError) throw new IndexBuildError(repeatedIdMessage(inputName(values.vectors), at.line, error.id, lines.lineOf(error.first)));
      if (error instanceof IndexBuildError) throw new IndexBuildError(`${inputName(values.vectors)} line ${at.line}: ${error.message}`);
      throw error;
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const megabytes = (stats.fileLength / 1e6).toFixed(1);
    process.stderr.write(
      `wrote ${values.out} (${megabytes} MB, ${stats.impactType} impacts): ${stats.documents} documents, ${stats.postings} postings, ${stats.terms} terms, in ${seconds} s\n`,
    );
    return 0;
  },
};

/** The vectors, each line number kept as it passes (`at.line`: where the reader is). */
async function* numbered(vectors: AsyncIterable<VectorLine>, at: { readonly line: number }, lines: VectorLineNumbers): AsyncGenerator<VectorLine> {
  for await (const vector of vectors) {
    lines.push(at.line);
    yield vector;
  }
}

/**
 * After an interrupted build: one line, and the status a shell gives a process `signal` ended
 * (130 for SIGINT, 143 for SIGTERM). Standard input is let go: a producer still at work would
 * otherwise keep the process waiting for its next line.
 */
function stoppedBy(signal: NodeJS.Signals, out: string, vectors: string): number {
  if (vectors === '-') process.stdin.destroy();
  process.stderr.write(`splade: interrupted: ${out} was not written, and the temporary files are removed\n`);
  return 128 + constants.signals[signal];
}
