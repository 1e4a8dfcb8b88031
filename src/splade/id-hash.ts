// The hash IdTable files ids under. A hash, not a generator: test/foundation/one-prng.test.ts
// (which flags multiplier and shift patterns outside tools/random.ts) names this file as such.

/**
 * FNV-1a (32 bits) of the bytes, then MurmurHash3's finalizer: the table takes the low bits,
 * which FNV alone spreads poorly over short, similar ids ("d1", "d2", ...).
 */
export function hashUtf8(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let k = start; k < end; k++) hash = Math.imul(hash ^ bytes[k], 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
