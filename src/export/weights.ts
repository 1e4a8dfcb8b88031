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

/**
 * Elasticsearch's rank_features (and its sparse_vector before 8.16) reject a '.' in a feature
 * name, and OpenSearch's rank_features reads one as an object path. Elasticsearch's own ELSER
 * output wrote '.' as '__' for this reason (elastic/elasticsearch#94389); we do the same, and
 * a query must be keyed the same way. The rewritten keys must stay distinct.
 */
export function luceneKeys(vocabulary: Vocabulary, keepDots: boolean): Vocabulary {
  if (keepDots) return vocabulary;
  const keys = new Map<number, string>();
  const owner = new Map<string, number>();
  for (let id = 0; id < vocabulary.size; id++) {
    const token = vocabulary.token(id);
    if (token === undefined) continue;
    const key = token.replaceAll('.', '__');
    const other = owner.get(key);
    if (other !== undefined && other !== id) {
      throw new ExportError(`tokens ${JSON.stringify(vocabulary.token(other))} and ${JSON.stringify(token)} both become key ${JSON.stringify(key)} once '.' is written '__'; use --keep-dots`);
    }
    owner.set(key, id);
    keys.set(id, key);
  }
  return { size: vocabulary.size, token: (id) => keys.get(id) };
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
