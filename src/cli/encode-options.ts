// The options of `splade encode` for long documents, pruning and the query/document split,
// parsed and checked here so that encode.ts stays about input and output.
import { PruneError, parsePrune, type Prune } from '../splade/prune.js';
import type { QueryRoute } from '../splade/query-routes.js';
import type { Overflow } from '../splade/windows.js';
import type { TruncationSide } from '../tokenizer/index.js';
import { UsageError } from './command.js';

/** parseArgs definitions of these options. */
export const ENCODE_SHAPING_OPTIONS = {
  'query-max-length': { type: 'string' },
  overflow: { type: 'string' },
  'truncation-side': { type: 'string' },
  stride: { type: 'string' },
  prune: { type: 'string' },
  'special-tokens': { type: 'string' },
} as const;

export const ENCODE_SHAPING_USAGE = `  --max-length N      documents: at most N tokens, [CLS] and [SEP] included (default: the model's)
  --query-max-length N  queries (--query): at most N tokens (default: the model's)
  --overflow MODE     truncate (default; says on stderr how many texts it cut) or chunk: texts
                      longer than the limit run as windows of N - 2 word pieces, the vector is
                      the element-wise max over the windows
  --truncation-side left|right  with --overflow truncate: left keeps the end of a long text
                      (default: the folder's tokenizer_config.json truncation_side, else right)
  --stride N          with --overflow chunk: word pieces shared by consecutive windows (default 0)
  --prune TYPE:VALUE  OpenSearch's pruning: top_k:N, max_ratio:R, alpha_mass:A (0 < R, A < 1),
                      abs_value:V
  --special-tokens keep|drop  keep (default, as the model card) or drop the [CLS], [SEP], [PAD],
                      [UNK] and [MASK] dimensions`;

export interface EncodeShaping {
  readonly queryMaxLength?: number;
  readonly overflow: Overflow;
  /** Which end --overflow truncate cuts; absent: the folder's truncation_side. */
  readonly truncation?: TruncationSide;
  readonly stride: number;
  readonly prune?: Prune;
  readonly specialTokens: 'keep' | 'drop';
}

type Values = { readonly [K in keyof typeof ENCODE_SHAPING_OPTIONS]?: string };

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be an integer of at least ${min}, got '${value}'`);
  return Number(value);
}

/** Checks the options (usage errors name the flag). */
export function parseEncodeShaping(values: Values): EncodeShaping {
  const overflow = values.overflow ?? 'truncate';
  if (overflow !== 'truncate' && overflow !== 'chunk') throw new UsageError(`--overflow must be truncate or chunk, got '${overflow}'`);
  if (values.stride !== undefined && overflow !== 'chunk') throw new UsageError('--stride needs --overflow chunk');
  const truncation = values['truncation-side'];
  if (truncation !== undefined && truncation !== 'left' && truncation !== 'right') throw new UsageError(`--truncation-side must be left or right, got '${truncation}'`);
  if (truncation !== undefined && overflow !== 'truncate') throw new UsageError('--truncation-side is for --overflow truncate: windows keep every word piece');
  const specialTokens = values['special-tokens'] ?? 'keep';
  if (specialTokens !== 'keep' && specialTokens !== 'drop') throw new UsageError(`--special-tokens must be keep or drop, got '${specialTokens}'`);
  let prune: Prune | undefined;
  if (values.prune !== undefined) {
    try {
      prune = parsePrune(values.prune);
    } catch (error) {
      if (error instanceof PruneError) throw new UsageError(`--prune: ${error.message}`);
      throw error;
    }
  }
  const queryMaxLength = integer('query-max-length', values['query-max-length'], 2);
  return {
    overflow,
    stride: integer('stride', values.stride, 0) ?? 0,
    specialTokens,
    ...(prune ? { prune } : {}),
    ...(queryMaxLength !== undefined ? { queryMaxLength } : {}),
    ...(truncation !== undefined ? { truncation } : {}),
  };
}

/** The flags of these options that were given (for the --input-ids conflict message). */
export function givenShapingFlags(values: Values): string[] {
  return Object.keys(ENCODE_SHAPING_OPTIONS).filter((name) => values[name as keyof Values] !== undefined).map((name) => `--${name}`);
}

/** The stderr line that says how queries were encoded when they did not run the model. */
export function queryRouteNote(route: QueryRoute): string | undefined {
  if (route === 'idf') return 'splade encode: queries: idf.json (inference-free, no model run)\n';
  if (route === 'sparse-static-embedding') return 'splade encode: queries: SparseStaticEmbedding (inference-free, no model run)\n';
  return undefined;
}

/** The stderr line about texts longer than the limit. */
export function overflowNote(report: { overflowed: number; texts: number; windows: number; maxLength: number }, overflow: Overflow): string | undefined {
  if (report.overflowed === 0) return undefined;
  if (overflow === 'truncate') {
    return `splade encode: truncated ${report.overflowed} of ${report.texts} texts to ${report.maxLength} tokens (--overflow chunk keeps all of them)\n`;
  }
  return `splade encode: ${report.overflowed} of ${report.texts} texts longer than ${report.maxLength} tokens ran as windows (${report.windows} windows in all)\n`;
}
