// SPLADE max pooling fused with the MLM decoder: the [tokens, vocab] logits are never stored.
// For each sequence, each vocabulary row of the decoder is dotted with every real token's
// hidden state and only the running maximum is kept.

export interface SpladePoolSizes {
  readonly batch: number;
  readonly seq: number;
  readonly hidden: number;
  readonly vocab: number;
}

/**
 * out [batch, vocab]: out[b, v] = max over tokens t with mask 1 of log(1 + relu(logit[t, v])),
 * logit[t, v] = hidden[t] · decoder[v] + bias[v]; 0 when the sequence has no real token.
 * log(1 + relu(·)) never decreases, so it is applied once to the maximum logit, which gives
 * the same number as taking the maximum of the transformed logits.
 */
export function spladePoolForward(
  out: Float32Array,
  hiddenStates: Float32Array,
  decoder: Float32Array,
  bias: Float32Array | undefined,
  mask: Uint8Array,
  sizes: SpladePoolSizes,
): void {
  const { batch, seq, hidden, vocab } = sizes;
  for (let b = 0; b < batch; b++) {
    const rows: number[] = [];
    for (let t = 0; t < seq; t++) if (mask[b * seq + t] === 1) rows.push((b * seq + t) * hidden);
    for (let v = 0; v < vocab; v++) {
      const wOffset = v * hidden;
      let max = -Infinity;
      for (const hOffset of rows) {
        let logit = bias ? bias[v] : 0;
        for (let i = 0; i < hidden; i++) logit += hiddenStates[hOffset + i] * decoder[wOffset + i];
        if (logit > max) max = logit;
      }
      out[b * vocab + v] = max > 0 ? Math.log1p(Math.fround(max)) : 0;
    }
  }
}
