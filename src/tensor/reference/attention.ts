// Multi-head scaled dot-product attention with a padding mask, one (sequence, head, query)
// at a time. The heads are split and merged by indexing: head h of token t is the slice
// [h * headSize, (h + 1) * headSize) of row t, Hugging Face's layout before and after
// `transpose_for_scores`.

export interface AttentionSizes {
  readonly batch: number;
  readonly seq: number;
  readonly numHeads: number;
  readonly headSize: number;
}

/**
 * context [batch * seq, heads * headSize] from query, key and value of the same shape;
 * `probs` [batch, heads, seq, seq] is filled when given. Padding keys (mask 0) get
 * probability 0, as with PyTorch's additive mask of the float minimum; a sequence with no
 * real token at all attends uniformly to every position (what that mask does too).
 */
export function attentionForward(
  context: Float32Array,
  probs: Float32Array | null,
  query: Float32Array,
  key: Float32Array,
  value: Float32Array,
  mask: Uint8Array,
  sizes: AttentionSizes,
): void {
  const { batch, seq, numHeads, headSize } = sizes;
  const hidden = numHeads * headSize;
  const scale = 1 / Math.sqrt(headSize);
  const weights = new Float64Array(seq);
  for (let b = 0; b < batch; b++) {
    const first = b * seq;
    let realKeys = 0;
    for (let j = 0; j < seq; j++) realKeys += mask[first + j];
    const isKey = (j: number): boolean => realKeys === 0 || mask[first + j] === 1;
    for (let h = 0; h < numHeads; h++) {
      const headOffset = h * headSize;
      for (let i = 0; i < seq; i++) {
        const qOffset = (first + i) * hidden + headOffset;
        // Scores and their maximum, over real keys only.
        let max = -Infinity;
        for (let j = 0; j < seq; j++) {
          if (!isKey(j)) continue;
          const kOffset = (first + j) * hidden + headOffset;
          let dot = 0;
          for (let d = 0; d < headSize; d++) dot += query[qOffset + d] * key[kOffset + d];
          weights[j] = realKeys === 0 ? 0 : dot * scale;
          if (weights[j] > max) max = weights[j];
        }
        // Softmax.
        let total = 0;
        for (let j = 0; j < seq; j++) {
          weights[j] = isKey(j) ? Math.exp(weights[j] - max) : 0;
          total += weights[j];
        }
        for (let j = 0; j < seq; j++) weights[j] /= total;
        if (probs) {
          const pOffset = ((b * numHeads + h) * seq + i) * seq;
          for (let j = 0; j < seq; j++) probs[pOffset + j] = weights[j];
        }
        // Weighted sum of the values, written straight into the merged-heads layout.
        const cOffset = (first + i) * hidden + headOffset;
        for (let d = 0; d < headSize; d++) {
          let sum = 0;
          for (let j = 0; j < seq; j++) {
            if (weights[j] !== 0) sum += weights[j] * value[(first + j) * hidden + headOffset + d];
          }
          context[cOffset + d] = sum;
        }
      }
    }
  }
}
