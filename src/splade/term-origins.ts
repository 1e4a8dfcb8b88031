// "Why was this term expanded?": SPLADE pools each vocabulary term over the tokens with a max,
// so every term's weight comes from one token. Given a sequence's MLM logits this recovers,
// for each active term, the weight each token would have given it and the token that won.
import { SpladeError } from '../errors.js';
import type { PoolingActivation } from '../io/sparse-encoder-layout.js';
import type { Tensor } from '../tensor/tensor.js';

/** One active SPLADE term and where its weight comes from. */
export interface TermOrigin {
  /** The term's vocabulary id. */
  readonly termId: number;
  /** Its SPLADE weight: the maximum over tokens of log(1 + relu(logit)) (log1p_relu: log of 1 + that). */
  readonly weight: number;
  /** The position of the token whose logit gave the maximum (the argmax of the pooling). */
  readonly fromToken: number;
  /** The weight the term would have from each position alone [seq]; 0 at padding positions. */
  readonly perToken: Float32Array;
}

/**
 * The active terms of sequence `row` of a batch, heaviest first, with their origins.
 * @param logits the MLM logits [batch, seq, vocab] (`capture: ['cls.predictions']`)
 * @param attentionMask [batch * seq], 1 for real tokens: padding never gives a term weight
 * @param activation the pooling's activation, as the encoder's (`poolingActivation`)
 * @throws SpladeError when `row` is outside the batch or the mask does not fit the logits
 */
export function termOrigins(logits: Tensor, attentionMask: ArrayLike<number>, row: number, activation: PoolingActivation = 'relu'): TermOrigin[] {
  const [batch, seq, vocab] = logits.shape;
  if (logits.shape.length !== 3) throw new SpladeError(`termOrigins: logits must be [batch, seq, vocab], got [${logits.shape.join(', ')}]`);
  if (attentionMask.length !== batch * seq) throw new SpladeError(`termOrigins: attention mask has ${attentionMask.length} values, logits need ${batch} x ${seq}`);
  if (!Number.isInteger(row) || row < 0 || row >= batch) throw new SpladeError(`termOrigins: row ${row} is outside the batch of ${batch}`);
  const base = row * seq * vocab;
  const real: number[] = [];
  for (let t = 0; t < seq; t++) if (attentionMask[row * seq + t] === 1) real.push(t);
  // As the pooling computes it: log1p of the float32 max, then (log1p_relu) log1p of that float32.
  const weigh = (logit: number): number => {
    const once = Math.fround(Math.log1p(Math.max(0, Math.fround(logit))));
    return activation === 'log1p_relu' ? Math.fround(Math.log1p(once)) : once;
  };
  const out: TermOrigin[] = [];
  for (let v = 0; v < vocab; v++) {
    // The maximum logit decides, as in the pooling (log(1 + relu(x)) never decreases).
    let best = -Infinity;
    let fromToken = -1;
    for (const t of real) {
      const logit = logits.data[base + t * vocab + v];
      if (logit > best) {
        best = logit;
        fromToken = t;
      }
    }
    if (!(best > 0)) continue;
    const perToken = new Float32Array(seq);
    for (const t of real) perToken[t] = weigh(logits.data[base + t * vocab + v]);
    out.push({ termId: v, weight: weigh(best), fromToken, perToken });
  }
  return out.sort((a, b) => b.weight - a.weight || a.termId - b.termId);
}
