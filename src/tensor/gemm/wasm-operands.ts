// The operands and results of the WebAssembly engine as they lie in its memory (byte
// offsets), shared by the engine (./wasm-gemm.ts), its attention (./wasm-attention.ts) and its
// compact weights (./wasm-compact-gemm.ts).
import type { PackedMatrix } from './gemm.js';

/** B packed as [nPanel][kPad][NR] at byte offset `ptr`. */
export class PanelMatrix implements PackedMatrix {
  constructor(
    readonly n: number,
    readonly k: number,
    readonly kPad: number,
    readonly nPanels: number,
    readonly ptr: number,
  ) {}
}

/** A left operand in the memory: packed panels, or row-major rows read in place. */
export interface ResidentRows {
  readonly ptr: number;
  /** Bytes from one panel (packed) or one row (rows) to the next. */
  readonly strideBytes: number;
  readonly rows: boolean;
}

/** A result left in the memory: row-major, rows of `width` floats (n padded to whole panels). */
export interface ResidentResult {
  readonly ptr: number;
  readonly width: number;
}

/** A gemm job record's fields besides its operands (see WasmGemm.writeJob and ../wasm/gemm-module.ts's JOB). */
export interface GemmJobFields {
  readonly c: number;
  /** Bytes from one row of C to the next (default: B's n-panels' width). */
  readonly ldc?: number;
  readonly bias: number;
  readonly mPanels: number;
  readonly kcBlock: number;
  /** B's n-panels [start, end) this job computes. */
  readonly columns: { readonly start: number; readonly end: number };
  readonly gelu: boolean;
  readonly ext: number;
}

/** `value` rounded up to a multiple of `multiple`. */
export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}
