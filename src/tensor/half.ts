// Exact float16 / bfloat16 to float32 conversion, and float32 to float16 / bfloat16 with
// round-to-nearest-even (as PyTorch's `.half()` and `.bfloat16()` do). Every float16 and bfloat16
// value is exactly representable in float32, so widening is lossless; NaN stays NaN (payload kept).

let f16Table: Uint32Array | undefined;

/** float32 bit pattern of one float16 bit pattern. */
function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // Inf, NaN
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0; // ±0
  // Subnormal: shift the mantissa up until its leading 1 becomes the implicit bit.
  let e = 113;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

/** All 65,536 float16 patterns widened once (256 KiB), so array conversion is a table lookup. */
function table(): Uint32Array {
  if (!f16Table) {
    f16Table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToF32Bits(h);
  }
  return f16Table;
}

const scratch = new DataView(new ArrayBuffer(4));

function bitsToFloat(bits: number): number {
  scratch.setUint32(0, bits);
  return scratch.getFloat32(0);
}

function floatToBits(value: number): number {
  scratch.setFloat32(0, value);
  return scratch.getUint32(0);
}

/** The float16 with bit pattern `h`, as a number. */
export function f16ToF32(h: number): number {
  return bitsToFloat(table()[h & 0xffff]);
}

/**
 * The float16 h · 2^s (s >= 0), exactly, for a finite h whose result is finite (the caller
 * makes sure): a normal value moves its exponent; a subnormal one is normalized (through
 * float32, where both values are exact).
 */
export function scaleF16(h: number, s: number): number {
  if ((h & 0x7c00) !== 0) return h + (s << 10);
  if ((h & 0x3ff) === 0) return h; // ±0
  return f32ToF16(f16ToF32(h) * 2 ** s);
}

/** The bfloat16 with bit pattern `b`, as a number. */
export function bf16ToF32(b: number): number {
  return bitsToFloat(((b & 0xffff) << 16) >>> 0);
}

/** Widens float16 bit patterns to float32 values (exact). */
export function f16ArrayToF32(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  const lookup = table();
  const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) outBits[i] = lookup[bits[i]];
  return out;
}

/** Widens bfloat16 bit patterns to float32 values (exact: a bfloat16 is a float32's top half). */
export function bf16ArrayToF32(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16;
  return out;
}

/** float32 bit pattern to float16 bit pattern, rounding to nearest even; overflow gives ±Inf. */
function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 | (mantissa >>> 13) : 0);
  const e = exponent - 112; // float16 exponent field
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    mantissa |= 0x800000; // the implicit bit, now explicit
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa bumps the exponent, up to Inf: the right rounding.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** float32 bit pattern to bfloat16 bit pattern, rounding to nearest even; NaN stays NaN. */
function f32BitsToBf16Bits(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x40) & 0xffff; // quiet NaN
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The float16 nearest to `value` (ties to even), as a bit pattern. */
export function f32ToF16(value: number): number {
  return f32BitsToF16Bits(floatToBits(value));
}

/** The bfloat16 nearest to `value` (ties to even), as a bit pattern. */
export function f32ToBf16(value: number): number {
  return f32BitsToBf16Bits(floatToBits(value));
}

/** Narrows float32 values to float16 bit patterns (round to nearest even). */
export function f32ArrayToF16(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32BitsToF16Bits(bits[i]);
  return out;
}

/** Narrows float32 values to bfloat16 bit patterns (round to nearest even). */
export function f32ArrayToBf16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32BitsToBf16Bits(bits[i]);
  return out;
}
