// F16/BF16 conversion checked on every bit pattern against an arithmetic reference that shares
// no code with src/tensor/half.ts (it computes sign·2^e·(1 + m/2^k) with Math.pow).
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bf16ArrayToF32, bf16ToF32, f16ArrayToF32, f16ToF32, f32ArrayToBf16, f32ArrayToF16, f32ToBf16, f32ToF16,
} from '../../src/tensor/half.js';
import { mulberry32 } from '../../tools/random.js';

function referenceF16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * Math.pow(2, -14) * (mantissa / 1024);
  return sign * Math.pow(2, exponent - 15) * (1 + mantissa / 1024);
}

function referenceBf16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 7) & 0xff;
  const mantissa = bits & 0x7f;
  if (exponent === 0xff) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * Math.pow(2, -126) * (mantissa / 128);
  return sign * Math.pow(2, exponent - 127) * (1 + mantissa / 128);
}

const all = new Uint16Array(65536).map((_, i) => i);

function checkAllPatterns(label: string, reference: (bits: number) => number, one: (bits: number) => number, many: (bits: Uint16Array) => Float32Array): void {
  const widened = many(all);
  for (let bits = 0; bits < 65536; bits++) {
    const expected = reference(bits);
    for (const actual of [widened[bits], one(bits)]) {
      if (Number.isNaN(expected)) {
        if (!Number.isNaN(actual)) assert.unreachable(`${label} 0x${bits.toString(16)}: expected NaN, got ${actual}`);
      } else if (!Object.is(actual, expected)) {
        assert.unreachable(`${label} 0x${bits.toString(16)}: expected ${expected}, got ${actual}`);
      }
    }
  }
}

test('F16 to F32 is exact on all 65,536 bit patterns (signed zeros, subnormals, Inf, NaN)', () => {
  checkAllPatterns('F16', referenceF16, f16ToF32, (b) => f16ArrayToF32(b));
});

test('BF16 to F32 is exact on all 65,536 bit patterns', () => {
  checkAllPatterns('BF16', referenceBf16, bf16ToF32, (b) => bf16ArrayToF32(b));
});

test('F32 to F16 and BF16 give back every non-NaN pattern; NaN stays NaN', () => {
  const f16 = f32ArrayToF16(f16ArrayToF32(all));
  const bf16 = f32ArrayToBf16(bf16ArrayToF32(all));
  for (let bits = 0; bits < 65536; bits++) {
    if (Number.isNaN(referenceF16(bits))) assert.ok(Number.isNaN(f16ToF32(f16[bits])), `f16 NaN 0x${bits.toString(16)}`);
    else assert.is(f16[bits], bits);
    if (Number.isNaN(referenceBf16(bits))) assert.ok(Number.isNaN(bf16ToF32(bf16[bits])), `bf16 NaN 0x${bits.toString(16)}`);
    else assert.is(bf16[bits], bits);
  }
});

test('F32 to F16 rounds to nearest, ties to even, overflowing to Inf', () => {
  assert.is(f32ToF16(1 + 2 ** -11), 0x3c00); // halfway between 1 and 1+2^-10: even is 1
  assert.is(f32ToF16(1 + 3 * 2 ** -11), 0x3c02); // halfway between 1+2^-10 and 1+2^-9: even is the latter
  assert.is(f32ToF16(1 + 2 ** -11 + 2 ** -20), 0x3c01); // just above halfway
  assert.is(f32ToF16(65504), 0x7bff);
  assert.is(f32ToF16(65520), 0x7c00); // halfway to 2^16 rounds to even, which is Inf
  assert.is(f32ToF16(65519), 0x7bff);
  assert.is(f32ToF16(2 ** -25), 0x0000); // half the smallest subnormal: ties to zero
  assert.is(f32ToF16(2 ** -25 * 1.0001), 0x0001);
  assert.is(f32ToF16(-0), 0x8000);
  assert.is(f32ToF16(3 * 2 ** -25), 0x0002); // halfway between subnormals 1 and 2: even is 2
});

test('F32 to F16/BF16 picks the nearest representable value for random floats', () => {
  const random = mulberry32(12345);
  for (let i = 0; i < 20000; i++) {
    const value = Math.fround((random() - 0.5) * Math.pow(2, Math.floor(random() * 40) - 26));
    for (const [encode, decode] of [[f32ToF16, referenceF16], [f32ToBf16, referenceBf16]] as const) {
      const bits = encode(value);
      const error = Math.abs(decode(bits) - value);
      // Neither neighbour (one ulp up or down in magnitude) may be strictly closer.
      for (const neighbour of [bits + 1, bits - 1]) {
        if (neighbour < 0 || neighbour > 0xffff) continue;
        const other = decode(neighbour);
        if (!Number.isNaN(other) && Math.abs(other - value) < error) {
          assert.unreachable(`${value}: got 0x${bits.toString(16)}, 0x${neighbour.toString(16)} is closer`);
        }
      }
    }
  }
});

test('F32 to F16/BF16 matches PyTorch .half() and .bfloat16() bit for bit (fixture)', () => {
  // test/fixtures/torch-half-rounding.json comes from tools/make-half-fixture.py: random bit
  // patterns, values across float16's range and exact ties, converted by torch on CPU.
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch-half-rounding.json', import.meta.url), 'utf8')) as {
    f32: number[]; f16: number[]; bf16: number[];
  };
  const values = new Float32Array(new Uint32Array(fixture.f32).buffer);
  const f16 = f32ArrayToF16(values);
  const bf16 = f32ArrayToBf16(values);
  assert.is(values.length, 4000);
  for (let i = 0; i < values.length; i++) {
    const what = `f32 bits 0x${fixture.f32[i].toString(16)}`;
    if (Number.isNaN(values[i])) {
      assert.ok(Number.isNaN(f16ToF32(f16[i])) && Number.isNaN(bf16ToF32(bf16[i])), `${what}: NaN stays NaN`);
      continue;
    }
    if (f16[i] !== fixture.f16[i]) assert.unreachable(`${what}: f16 0x${f16[i].toString(16)}, torch 0x${fixture.f16[i].toString(16)}`);
    if (bf16[i] !== fixture.bf16[i]) assert.unreachable(`${what}: bf16 0x${bf16[i].toString(16)}, torch 0x${fixture.bf16[i].toString(16)}`);
  }
});

test.run();
