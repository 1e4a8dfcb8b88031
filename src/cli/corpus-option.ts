// --corpus FILE and --corpus-format of `splade search` and `splade serve`: the corpus an index
// was built from, whose texts the hits carry. Checked here alike for both commands.
import { INPUT_FORMATS } from '../node/corpus/document-record.js';
import type { CorpusTextsOptions } from '../node/corpus/corpus-texts.js';
import { oneOf } from './args.js';
import { UsageError } from './command.js';

/** The options' specs, for parseCommandArgs. */
export const CORPUS_FLAGS = {
  corpus: { type: 'string' },
  'corpus-format': { type: 'string' },
} as const;

/** The options as parsed. */
export interface CorpusFlags {
  readonly corpus?: string;
  readonly 'corpus-format'?: string;
}

/** What CorpusTexts.open is given. */
export interface CorpusSettings {
  readonly path: string;
  readonly options: CorpusTextsOptions;
}

/** --corpus and --corpus-format, checked; undefined without --corpus. */
export function corpusSettings(values: CorpusFlags): CorpusSettings | undefined {
  const path = values.corpus;
  const format = oneOf('corpus-format', values['corpus-format'], INPUT_FORMATS);
  if (path === undefined) {
    if (format !== undefined) throw new UsageError('--corpus-format needs --corpus FILE');
    return undefined;
  }
  // CorpusTexts refuses it too; on the command line it is a usage mistake.
  if (path === '-') throw new UsageError("--corpus must be a file: standard input cannot be read again at each hit's line");
  return { path, options: format === undefined ? {} : { format } };
}
