// u8 impacts: one byte a posting instead of four. The scale is the largest weight of the
// corpus over 255 (as a float32, recorded in the header); a weight w is stored as
// round(w / scale), at least 1 so that no posting disappears, and reads back as code * scale.

/** The scale for a corpus whose largest weight is `maxWeight`. */
export function u8Scale(maxWeight: number): number {
  return maxWeight > 0 ? Math.fround(maxWeight / 255) : 1;
}

/** The byte code of a positive weight. */
export function quantizeU8(weight: number, scale: number): number {
  return Math.min(255, Math.max(1, Math.round(weight / scale)));
}
