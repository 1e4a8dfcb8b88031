// Which LayerNorm's output each of RobertaForMaskedLM's linear layers reads: BERT's wiring
// (../bert/layer-norm-inputs.ts) under RoBERTa's names, for int8's float columns.
import { bertLayerNormReadBy } from '../bert/layer-norm-inputs.js';
import { bertNameOf, robertaNameOf } from './capture.js';

/** The canonical path of the LayerNorm that weight `name` (canonical RoBERTa name) reads; undefined where none. */
export function robertaLayerNormReadBy(name: string, layers: number): string | undefined {
  const readBy = bertLayerNormReadBy(bertNameOf(name), layers);
  return readBy === undefined ? undefined : robertaNameOf(readBy);
}
