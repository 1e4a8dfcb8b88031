// Token-keyed weights ({"token": weight, ...}) for the engines that take them, with the rules
// of Lucene-based engines.
import { ExportError, type ExportRecord, type Vocabulary } from './format.js';
import { float32Text } from './numbers.js';

/** The vocabulary, or an error naming the format that needs it. */
export function requireVocabulary(vocabulary: Vocabulary | undefined, format: string): Vocabulary {
  if (!vocabulary) throw new ExportError(`${format} keys vectors by token string: give the model (--model) for its vocabulary`);
  return vocabulary;
}

/** The token of a term id, or an error naming the record. */
export function tokenOf(vocabulary: Vocabulary, id: number, record: ExportRecord): string {
  const token = vocabulary.token(id);
  if (token === undefined) throw new ExportError(`${record.where}: term id ${id} is outside the vocabulary (${vocabulary.size} tokens): are these vectors from this model?`);
  return token;
}

/** What '.' in a token is written as by default in Lucene feature keys (see luceneKeys). */
export const DEFAULT_DOT_REPLACEMENT = '__';

/** Replacements luceneKeys suggests when the one given makes two tokens one key. */
const DOT_REPLACEMENTS = [DEFAULT_DOT_REPLACEMENT, '_dot_', '(dot)', '{dot}'];

/** How luceneKeys writes a '.' in a token: kept (`keepDots`), or replaced by `dotAs` (default '__'). */
export interface DotRule {
  readonly keepDots?: boolean;
  readonly dotAs?: string;
}

/**
 * Elasticsearch's rank_features (and its sparse_vector before 8.16) reject a '.' in a feature
 * name, and OpenSearch's rank_features reads one as an object path. Elasticsearch's own ELSER
 * output wrote '.' as '__' for this reason (elastic/elasticsearch#94389); we do the same, and
 * a query must be keyed the same way. The rewritten keys must stay distinct: a byte-level BPE
 * vocabulary (RoBERTa's) has both '.' and '__' as tokens, so `dotAs` picks another
 * replacement, and the error says which ones this vocabulary leaves distinct.
 */
export function luceneKeys(vocabulary: Vocabulary, rule: DotRule = {}): Vocabulary {
  if (rule.keepDots) return vocabulary;
  const dotAs = rule.dotAs ?? DEFAULT_DOT_REPLACEMENT;
  if (dotAs === '' || dotAs.includes('.')) throw new ExportError(`--dot-as must be a non-empty text without '.', got ${JSON.stringify(dotAs)}`);
  const { keys, clash } = keysWithDotAs(vocabulary, dotAs);
  if (clash) {
    const free = DOT_REPLACEMENTS.filter((r) => r !== dotAs && keysWithDotAs(vocabulary, r).clash === undefined);
    const instead = free.length > 0 ? `--dot-as ${free.map((r) => `'${r}'`).join(' or ')} (distinct in this vocabulary)` : 'another --dot-as';
    throw new ExportError(
      `tokens ${JSON.stringify(clash[0])} and ${JSON.stringify(clash[1])} both become key ${JSON.stringify(clash[2])} once '.' is written '${dotAs}'; ` +
        `use ${instead}, the same for documents and queries, or --keep-dots (Elasticsearch 8.16+ sparse_vector only)`,
    );
  }
  return { size: vocabulary.size, token: (id) => keys.get(id) };
}

/**
 * Each token's key with '.' written `dotAs`, and the first two tokens (with their common key)
 * that it makes one key, if any.
 */
function keysWithDotAs(vocabulary: Vocabulary, dotAs: string): { keys: Map<number, string>; clash?: [string, string, string] } {
  const keys = new Map<number, string>();
  const owner = new Map<string, number>();
  for (let id = 0; id < vocabulary.size; id++) {
    const token = vocabulary.token(id);
    if (token === undefined) continue;
    const key = token.replaceAll('.', dotAs);
    const other = owner.get(key);
    if (other !== undefined && other !== id) return { keys, clash: [vocabulary.token(other) ?? '', token, key] };
    owner.set(key, id);
    keys.set(id, key);
  }
  return { keys };
}

/** Lucene's FeatureField takes only positive normal floats (Float.MIN_NORMAL and up). */
const MIN_NORMAL_FLOAT32 = 1.1754943508222875e-38;

/**
 * The record as `{"token":weight,...}` (JSON text) for a Lucene feature field: weights must be
 * strictly positive ("negative values will be rejected"); zeros, and the subnormal floats
 * Lucene refuses, add nothing to a dot product and are left out.
 */
export function positiveWeightsJson(record: ExportRecord, keys: Vocabulary, engine: string): string {
  const { indices, values } = record.vector;
  const parts: string[] = [];
  for (let k = 0; k < indices.length; k++) {
    const weight = values[k];
    if (weight < 0) throw new ExportError(`${record.where}: term ${indices[k]} has weight ${weight}; ${engine} takes only positive weights`);
    if (weight < MIN_NORMAL_FLOAT32) continue;
    parts.push(`${JSON.stringify(tokenOf(keys, indices[k], record))}:${float32Text(weight)}`);
  }
  return `{${parts.join(',')}}`;
}
