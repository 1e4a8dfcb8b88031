// What a RobertaForMaskedLM forward pass can capture: BERT's capture points under RoBERTa's
// module names (`roberta.*`; the head is `lm_head`, whose transformed states are the output of
// its `layer_norm`, and whose own output is the logits).
import { CAPTURE_POINTS, SAME_OUTPUTS, type SameOutputs } from '../bert/capture.js';

/**
 * RoBERTa's name for a BERT capture point, or undefined where RoBERTa has no such module: its
 * transform is no module (its states are `lm_head.layer_norm`'s output), GELU is a function,
 * and nothing wraps `lm_head` as `cls` wraps `cls.predictions`.
 */
function robertaName(bertName: string): string | undefined {
  const renamed: Record<string, string | undefined> = {
    'cls.predictions.transform': 'lm_head.layer_norm',
    'cls.predictions.transform.LayerNorm': undefined,
    'cls.predictions.transform.transform_act_fn': undefined,
    'cls.predictions.transform.dense': 'lm_head.dense',
    'cls.predictions.decoder': 'lm_head.decoder',
    'cls.predictions': 'lm_head',
    cls: undefined,
    bert: 'roberta',
  };
  return bertName in renamed ? renamed[bertName] : bertName.replace(/^bert\./, 'roberta.');
}

export const ROBERTA_CAPTURE_POINTS: ReadonlyArray<readonly [name: string, shape: string, what: string]> = CAPTURE_POINTS.flatMap(([name, shape, what]) => {
  const roberta = robertaName(name);
  if (roberta === undefined) return [];
  const description = name === 'cls.predictions.transform'
    ? 'MLM head: dense, GELU, layer_norm'
    : what.replace(/\bbert\./g, 'roberta.').replace(/cls\.predictions/g, 'lm_head');
  return [[roberta, shape, description] as const];
});

/** BERT's SAME_OUTPUTS under RoBERTa's names, for the modules RoBERTa has. */
export const ROBERTA_SAME_OUTPUTS: SameOutputs = SAME_OUTPUTS.flatMap(([name, sameAs]) => {
  const [module, same] = [robertaName(name), robertaName(sameAs)];
  return module === undefined || same === undefined ? [] : [[module, same] as const];
});

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
