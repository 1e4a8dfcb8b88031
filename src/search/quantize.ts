// u8 impacts: one byte a posting instead of four. The scale is the largest weight of the
// corpus over 255 (as a float32, recorded in the header); a weight w is stored as
// round(w / scale), at least 1 so that no posting disappears, and reads back as code * scale.

/** The smallest positive float32 (2^-149). */
const MIN_FLOAT32 = 2 ** -149;

/**
 * The scale for a corpus whose largest weight is `maxWeight`; at least the smallest float32,
 * since a largest weight below 255 of those would round the scale to 0, which no reader takes.
 */
export function u8Scale(maxWeight: number): number {
  return maxWeight > 0 ? Math.max(MIN_FLOAT32, Math.fround(maxWeight / 255)) : 1;
}

/** The byte code of a positive weight. */
export function quantizeU8(weight: number, scale: number): number {
  return Math.min(255, Math.max(1, Math.round(weight / scale)));
}
