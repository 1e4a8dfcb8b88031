// Small pieces the benchmarks share: the median of timings and deterministic token ids.

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** [CLS] words [SEP] with bert-base-uncased's special ids, words from the vocabulary's upper part; deterministic. */
export function idsOfLength(seq: number, vocab: number): number[] {
  let state = 12345 + seq;
  const low = Math.min(1000, Math.floor(vocab / 2));
  const ids = [Math.min(101, vocab - 1)];
  while (ids.length < seq - 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    ids.push(low + (state % (vocab - low)));
  }
  ids.push(Math.min(102, vocab - 1));
  return ids;
}
