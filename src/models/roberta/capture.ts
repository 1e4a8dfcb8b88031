// What a RobertaForMaskedLM forward pass can capture: BERT's capture points under RoBERTa's
// module names (`roberta.*`; the head is `lm_head`, whose transformed states are the output of
// its `layer_norm`, and whose own output is the logits).
import { CAPTURE_POINTS } from '../bert/capture.js';

/** RoBERTa's name for a BERT capture point. */
function robertaName(bertName: string): string {
  if (bertName === 'cls.predictions.transform') return 'lm_head.layer_norm';
  if (bertName === 'cls.predictions') return 'lm_head';
  return bertName.replace(/^bert\./, 'roberta.');
}

export const ROBERTA_CAPTURE_POINTS: ReadonlyArray<readonly [name: string, shape: string, what: string]> = CAPTURE_POINTS.map(
  ([name, shape, what]) => [robertaName(name), shape, name === 'cls.predictions.transform' ? 'MLM head: dense, GELU, layer_norm' : what] as const,
);

/** The BERT name of a RoBERTa weight or module name (the inverse of robertaName, for weights). */
export function bertNameOf(robertaName: string): string {
  if (robertaName.startsWith('lm_head.layer_norm')) return robertaName.replace(/^lm_head\.layer_norm/, 'cls.predictions.transform.LayerNorm');
  if (robertaName.startsWith('lm_head.dense')) return robertaName.replace(/^lm_head\.dense/, 'cls.predictions.transform.dense');
  if (robertaName.startsWith('lm_head.')) return robertaName.replace(/^lm_head\./, 'cls.predictions.');
  return robertaName.replace(/^roberta\./, 'bert.');
}

/** The RoBERTa name of a BERT weight or module name. */
export function robertaNameOf(bertName: string): string {
  if (bertName.startsWith('cls.predictions.transform.LayerNorm')) return bertName.replace(/^cls\.predictions\.transform\.LayerNorm/, 'lm_head.layer_norm');
  if (bertName.startsWith('cls.predictions.transform.dense')) return bertName.replace(/^cls\.predictions\.transform\.dense/, 'lm_head.dense');
  if (bertName.startsWith('cls.predictions.')) return bertName.replace(/^cls\.predictions\./, 'lm_head.');
  return bertName.replace(/^bert\./, 'roberta.');
}
