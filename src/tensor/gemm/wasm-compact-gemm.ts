// The WebAssembly compact-weight engine: float16 and int8 weights packed into the float32
// engine's memory at load (so they share its worker threads), multiplied by the kernels of
// ../wasm/compact-kernels.ts.
import type { CompactWeight } from '../compact-weight.js';
import { f16ArrayToF32 } from '../half.js';
import { EXT_BYTES, EXT_KIND, F16_EXT, INT8_EXT, INT8_TILE } from '../wasm/compact-kernels.js';
import type { CompactGemm, CompactMatmulArgs, CompactMatrix } from './compact-gemm.js';
import { finishRow } from './gemm.js';
import { findOutlierColumns, quantizeColumns, quantizeRows } from './int8-activations.js';
import { PanelMatrix, type ResidentResult, type WasmGemm } from './wasm-gemm.js';

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** float16 W in the float32 kernel's panel layout [nPanel][kPad][NR], 2 bytes a value. */
class F16Panels implements CompactMatrix {
  readonly dtype = 'f16';
  constructor(readonly n: number, readonly k: number, readonly kPad: number, readonly nPanels: number, readonly ptr: number) {}
}

/** int8 W as [nPanel][kPad/2][NR][2] bytes, and its row scales as float32 [nPanel * NR] (zero-padded). */
class Int8Panels implements CompactMatrix {
  readonly dtype = 'int8';
  constructor(
    readonly n: number, readonly k: number, readonly kPad: number, readonly nPanels: number,
    readonly ptr: number, readonly scalePtr: number,
  ) {}
}

/** Output columns of float16 W widened per multiply (in float32 scratch: 3 MiB at k = 768). */
const F16_CHUNK_COLUMNS = 1024;
/** Bytes of quantized activations per row block of the int8 kernel (kept in L2). */
const INT8_A_BLOCK_BYTES = 256 * 1024;

export class WasmCompactGemm implements CompactGemm {
  readonly name = 'wasm-simd';
  readonly columnAlign: number;
  private readonly f16Nr: number;
  private readonly f16KAlign: number;

  /** `outliers: false` quantizes each token with one scale (no outlier columns; for comparisons). */
  constructor(readonly engine: WasmGemm, private readonly options: { outliers?: boolean } = {}) {
    this.f16Nr = engine.shape.nr;
    // Even, so a panel holds whole groups of 8 values for the widening kernel.
    this.f16KAlign = engine.shape.unroll % 2 === 0 ? engine.shape.unroll : engine.shape.unroll * 2;
    this.columnAlign = this.f16Nr % INT8_TILE.nr === 0 ? this.f16Nr : this.f16Nr * INT8_TILE.nr;
  }

  private get arena() {
    return this.engine.arena;
  }

  pack(weight: CompactWeight): CompactMatrix {
    return weight.kind === 'f16' ? this.packF16(weight.bits, weight.n, weight.k) : this.packInt8(weight.values, weight.scales, weight.n, weight.k);
  }

  private packF16(bits: Uint16Array, n: number, k: number): F16Panels {
    const nr = this.f16Nr;
    const kPad = roundUp(Math.max(k, 1), this.f16KAlign);
    const nPanels = Math.ceil(n / nr);
    const ptr = this.arena.allocPermanent(nPanels * kPad * nr * 2);
    const dst = new Uint16Array(this.arena.memory.buffer, ptr, nPanels * kPad * nr).fill(0);
    for (let row = 0; row < n; row++) {
      const base = Math.floor(row / nr) * kPad * nr + (row % nr);
      for (let kk = 0; kk < k; kk++) dst[base + kk * nr] = bits[row * k + kk];
    }
    return new F16Panels(n, k, kPad, nPanels, ptr);
  }

  private packInt8(values: Int8Array, scales: Float32Array, n: number, k: number): Int8Panels {
    const { nr } = INT8_TILE;
    const kPad = roundUp(Math.max(k, 1), 4);
    const nPanels = Math.ceil(n / nr);
    const ptr = this.arena.allocPermanent(nPanels * kPad * nr);
    const scalePtr = this.arena.allocPermanent(nPanels * nr * 4);
    const dst = new Int8Array(this.arena.memory.buffer, ptr, nPanels * kPad * nr).fill(0);
    for (let row = 0; row < n; row++) {
      const base = Math.floor(row / nr) * kPad * nr + (row % nr) * 2;
      for (let kk = 0; kk < k; kk++) dst[base + (kk >> 1) * nr * 2 + (kk & 1)] = values[row * k + kk];
    }
    this.arena.f32(scalePtr, nPanels * nr).fill(0).set(scales.subarray(0, n));
    return new Int8Panels(n, k, kPad, nPanels, ptr, scalePtr);
  }

  columns(b: CompactMatrix, start: number, count: number): CompactMatrix {
    if (start % this.columnAlign !== 0) throw new Error(`compact gemm: column block must start at a multiple of ${this.columnAlign}, got ${start}`);
    if (b instanceof F16Panels) {
      const nr = this.f16Nr;
      return new F16Panels(count, b.k, b.kPad, Math.ceil(count / nr), b.ptr + (start / nr) * b.kPad * nr * 2);
    }
    const p = b as Int8Panels;
    const { nr } = INT8_TILE;
    return new Int8Panels(count, p.k, p.kPad, Math.ceil(count / nr), p.ptr + (start / nr) * p.kPad * nr, p.scalePtr + start * 4);
  }

  readRows(b: CompactMatrix, rows: Int32Array, out: Float32Array): void {
    const { k } = b;
    if (b instanceof F16Panels) {
      const nr = this.f16Nr;
      const src = new Uint16Array(this.arena.memory.buffer, b.ptr, b.nPanels * b.kPad * nr);
      const row16 = new Uint16Array(k);
      rows.forEach((row, r) => {
        const base = Math.floor(row / nr) * b.kPad * nr + (row % nr);
        for (let kk = 0; kk < k; kk++) row16[kk] = src[base + kk * nr];
        out.set(f16ArrayToF32(row16), r * k);
      });
      return;
    }
    const p = b as Int8Panels;
    const values = this.int8View(p);
    const scales = this.arena.f32(p.scalePtr, p.nPanels * INT8_TILE.nr);
    rows.forEach((row, r) => {
      const base = this.int8Offset(p, row, 0);
      for (let kk = 0; kk < k; kk++) out[r * k + kk] = values[base + (kk >> 1) * INT8_TILE.nr * 2 + (kk & 1)] * scales[row];
    });
  }

  private int8View(p: Int8Panels): Int8Array {
    return new Int8Array(this.arena.memory.buffer, p.ptr, p.nPanels * p.kPad * INT8_TILE.nr);
  }

  /** Index into int8View of W[row, kk] (kk even). */
  private int8Offset(p: Int8Panels, row: number, kk: number): number {
    const { nr } = INT8_TILE;
    return Math.floor(row / nr) * p.kPad * nr + (kk >> 1) * nr * 2 + (row % nr) * 2 + (kk & 1);
  }

  matmul(args: CompactMatmulArgs): void {
    if (args.m === 0 || args.b.n === 0) return;
    if (args.b instanceof F16Panels) this.matmulF16(args, args.b);
    else this.matmulInt8(args, args.b as Int8Panels);
  }

  /** Column chunks: each thread widens its panels of the chunk into float32 scratch, then multiplies. */
  private matmulF16(args: CompactMatmulArgs, b: F16Panels): void {
    const nr = this.f16Nr;
    const { m } = args;
    // Rows read in place need only a copy on the calling thread (see WasmGemm.matmul).
    const a = b.kPad === b.k
      ? this.engine.placeRows(args.a, args.aOffset ?? 0, args.lda ?? b.k, m, b.k)
      : this.engine.packA(args.a, args.aOffset ?? 0, args.lda ?? b.k, m, b.k, b.kPad);
    const chunkPanels = Math.max(1, Math.floor(F16_CHUNK_COLUMNS / nr));
    const gelu = args.epilogue === 'gelu';
    for (let p0 = 0; p0 < b.nPanels; p0 += chunkPanels) {
      const panels = Math.min(chunkPanels, b.nPanels - p0);
      const col0 = p0 * nr;
      const count = Math.min(panels * nr, b.n - col0);
      const wide = new PanelMatrix(count, b.k, b.kPad, panels, this.arena.allocScratch(panels * b.kPad * nr * 4));
      const ext = this.arena.allocScratch(EXT_BYTES);
      const record = this.arena.i32(ext, EXT_BYTES / 4);
      record[F16_EXT.kind / 4] = EXT_KIND.f16;
      record[F16_EXT.src / 4] = b.ptr + p0 * b.kPad * nr * 2;
      record[F16_EXT.panelValues / 4] = b.kPad * nr;
      const c = this.engine.multiply(m, a, wide, { bias: args.bias?.subarray(col0, col0 + count), gelu, ext });
      this.copyOut(c, count, args, col0, gelu);
    }
  }

  private matmulInt8(args: CompactMatmulArgs, b: Int8Panels): void {
    const { mr, nr } = INT8_TILE;
    const { m } = args;
    const { k, kPad } = b;
    const aOffset = args.aOffset ?? 0;
    const lda = args.lda ?? k;
    const mPanels = Math.ceil(m / mr);
    const mPad = mPanels * mr;
    const width = b.nPanels * nr;
    const outliers = this.options.outliers === false ? new Int32Array(0) : findOutlierColumns(args.a, aOffset, lda, m, k);
    const gelu = args.epilogue === 'gelu';

    const c = this.arena.allocScratch(mPad * width * 4);
    const bias = this.arena.allocScratch(width * 4);
    const biasView = this.arena.f32(bias, width).fill(0);
    if (args.bias) biasView.set(args.bias.subarray(0, b.n));
    const first = this.quantizedActivations(m, kPad, (values, scales) => quantizeRows(args.a, aOffset, lda, m, k, outliers, values, kPad, scales));
    this.runInt8(m, first, b.ptr, b.kPad, b.scalePtr, b.nPanels, { c, width, src: bias, srcStride: 0, gelu: gelu && outliers.length === 0 });

    if (outliers.length > 0) {
      // The outlier columns as a second, small multiply added onto C: their own activation
      // scales, the same weight scales.
      const oPad = roundUp(outliers.length, 4);
      const panels = this.arena.allocScratch(b.nPanels * oPad * nr);
      const second = this.quantizedActivations(m, oPad, (values, scales) => quantizeColumns(args.a, aOffset, lda, m, outliers, values, oPad, scales));
      const gathered = new Int8Array(this.arena.memory.buffer, panels, b.nPanels * oPad * nr).fill(0);
      const values = this.int8View(b);
      for (let row = 0; row < b.n; row++) {
        const base = Math.floor(row / nr) * oPad * nr + (row % nr) * 2;
        outliers.forEach((col, p) => {
          gathered[base + (p >> 1) * nr * 2 + (p & 1)] = values[this.int8Offset(b, row, col)];
        });
      }
      this.runInt8(m, second, panels, oPad, b.scalePtr, b.nPanels, { c, width, src: c, srcStride: width * 4, gelu });
    }
    this.copyOut({ ptr: c, width }, b.n, args, 0, gelu);
  }

  /**
   * Quantized activations in the kernel's layout: rows quantized row-major (int16, `kPad`
   * a row), then packed [mPanel][kPad/2][MR] pairs into scratch, with a scale per row (0 for
   * padding rows).
   */
  private quantizedActivations(
    m: number, kPad: number, quantize: (values: Int16Array, scales: Float32Array) => void,
  ): { ptr: number; scalePtr: number } {
    const { mr } = INT8_TILE;
    const mPad = Math.ceil(m / mr) * mr;
    const rows = new Int16Array(mPad * kPad);
    const scales = new Float32Array(mPad);
    quantize(rows, scales);
    const ptr = this.arena.allocScratch(mPad * kPad * 2);
    const scalePtr = this.arena.allocScratch(mPad * 4);
    const pairs = kPad / 2;
    const src = new Int32Array(rows.buffer, 0, mPad * pairs);
    const dst = this.arena.i32(ptr, mPad * pairs);
    for (let i = 0; i < mPad; i++) {
      const to = Math.floor(i / mr) * pairs * mr + (i % mr);
      const from = i * pairs;
      for (let p = 0; p < pairs; p++) dst[to + p * mr] = src[from + p];
    }
    this.arena.f32(scalePtr, mPad).set(scales);
    return { ptr, scalePtr };
  }

  private runInt8(
    rows: number, a: { ptr: number; scalePtr: number }, bPtr: number, kPad: number, bScale: number, nPanels: number,
    out: { c: number; width: number; src: number; srcStride: number; gelu: boolean },
  ): void {
    const { mr, nr } = INT8_TILE;
    const aStride = kPad * 2 * mr;
    const ext = this.arena.allocScratch(EXT_BYTES);
    const mPanels = Math.ceil(rows / mr);
    const record = this.arena.i32(ext, EXT_BYTES / 4);
    record[INT8_EXT.kind / 4] = EXT_KIND.int8;
    record[INT8_EXT.a / 4] = a.ptr;
    record[INT8_EXT.aStride / 4] = aStride;
    record[INT8_EXT.aScale / 4] = a.scalePtr;
    record[INT8_EXT.b / 4] = bPtr;
    record[INT8_EXT.bStride / 4] = kPad * nr;
    record[INT8_EXT.bScale / 4] = bScale;
    record[INT8_EXT.c / 4] = out.c;
    record[INT8_EXT.ldc / 4] = out.width * 4;
    record[INT8_EXT.mPanels / 4] = mPanels;
    record[INT8_EXT.kPairs / 4] = kPad / 2;
    record[INT8_EXT.src / 4] = out.src;
    record[INT8_EXT.srcStride / 4] = out.srcStride;
    record[INT8_EXT.mcBlock / 4] = Math.max(1, Math.floor(INT8_A_BLOCK_BYTES / aStride));
    record[INT8_EXT.gelu / 4] = out.gelu ? 1 : 0;
    this.engine.runExtension(ext, nPanels, rows * nPanels * nr * kPad);
  }

  /** Copies C's first `count` columns into out at column `col0`, then any epilogue the kernel did not apply. */
  private copyOut(c: ResidentResult, count: number, args: CompactMatmulArgs, col0: number, geluDone: boolean): void {
    const rows = this.arena.f32(c.ptr, args.m * c.width);
    const ldo = args.ldo ?? args.b.n;
    const at = (args.outOffset ?? 0) + col0;
    const epilogue = args.epilogue ?? 'none';
    const finish = epilogue !== 'none' && !(epilogue === 'gelu' && geluDone);
    for (let i = 0; i < args.m; i++) {
      args.out.set(rows.subarray(i * c.width, i * c.width + count), at + i * ldo);
      if (finish) finishRow(args.out, at + i * ldo, count, 1, undefined, 0, epilogue);
    }
  }
}
