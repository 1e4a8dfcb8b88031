// CRC-32 (IEEE 802.3, the zlib/PNG one) so that every section of an index file carries a
// checksum a reader can verify without any library. Slicing-by-4 tables: four bytes a step.
// The tables are Int32Array so that the loop stays in 32-bit integer arithmetic.

const TABLES: Int32Array[] = (() => {
  const tables = Array.from({ length: 4 }, () => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 4; t++) tables[t][n] = tables[0][tables[t - 1][n] & 0xff] ^ (tables[t - 1][n] >>> 8);
  }
  return tables;
})();
const T0 = TABLES[0];
const T1 = TABLES[1];
const T2 = TABLES[2];
const T3 = TABLES[3];

/**
 * Continues a CRC-32 over `bytes`: start with `crc32(bytes)`, then `crc32(more, previous)`.
 * @returns the checksum as an unsigned 32-bit integer
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous | 0;
  let i = 0;
  const end4 = bytes.length - (bytes.length % 4);
  for (; i < end4; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = T3[c & 0xff] ^ T2[(c >>> 8) & 0xff] ^ T1[(c >>> 16) & 0xff] ^ T0[c >>> 24];
  }
  for (; i < bytes.length; i++) c = T0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
