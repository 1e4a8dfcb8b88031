// The seeded pseudo-random generator that the generator, tests and benchmarks share, so a
// model, a fuzz case or a corpus is the same for the same seed everywhere. Nothing else in
// the repository may carry a generator of its own: build on `mulberry32` and the helpers
// below. Runtime-neutral (no Node built-ins), so browser test bundles use it too.

/** mulberry32: uniform numbers in [0, 1), small, fast and deterministic for a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer from `lo` to `hi`, both included, drawn from `random`. */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** `length` float32 values uniform in [-scale, scale), drawn from `random`. */
export function randomFloats(random: () => number, length: number, scale = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (random() * 2 - 1) * scale;
  return out;
}

/** `length` uniform bytes for a seed (for example the body of a test file). */
export function randomBytes(length: number, seed: number): Uint8Array {
  const random = mulberry32(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
  return out;
}
