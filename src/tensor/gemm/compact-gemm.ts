// Matrix multiplies on compact weights (float16, or int8 with per-row scales): the interface
// the CPU backend uses for them, and the pure-TypeScript engine. Only linear layers are ever
// compact: no scale factor (alpha), the bias and activation applied as in `GemmEngine.matmul`.
import { readWeightRows, type CompactWeight, type F16Weight, type Int8Weight } from '../compact-weight.js';
import type { MatmulArgs } from './gemm.js';
import type { AttentionShape, KeepProbs } from './wasm-attention.js';
import { referenceInt8Matmul } from './int8-reference.js';
import { RowMajor } from './row-major.js';
import { TypeScriptGemm } from './typescript-gemm.js';

/** A compact weight prepared by an engine; only that engine can use it. */
export interface CompactMatrix {
  readonly dtype: 'f16' | 'int8';
  /** Output features (rows of W). */
  readonly n: number;
  /** Input features (columns of W). */
  readonly k: number;
}

/** `MatmulArgs` with a compact right-hand operand and no scale. */
export interface CompactMatmulArgs extends Omit<MatmulArgs, 'b' | 'alpha'> {
  readonly b: CompactMatrix;
}

/** LayerNorm's parameters, for the optional fused ops. */
export interface NormArgs {
  readonly gamma: Float32Array;
  readonly beta: Float32Array;
  readonly eps: number;
}

/** One weight of `CompactGemm.matmulEach` and where its product goes. */
export type EachOutput = Pick<CompactMatmulArgs, 'b' | 'bias' | 'out' | 'outOffset'>;

/** A compact projection of the hidden states for `attendProjected`. */
export interface CompactProjection {
  readonly b: CompactMatrix;
  readonly bias?: Float32Array;
}

/** Sequences of one attention layer for `attendProjected`, from the input rows x ([batch * seq, hidden]). */
export interface CompactProjectedBlock extends AttentionShape {
  readonly x: Float32Array;
  readonly query: CompactProjection;
  readonly key: CompactProjection;
  readonly value: CompactProjection;
}

/** What `maxPooledProduct` multiplies: A·Bᵀ + bias, no epilogue. */
export type PooledProductArgs = Pick<CompactMatmulArgs, 'm' | 'a' | 'aOffset' | 'lda' | 'b' | 'bias'>;

export interface CompactGemm {
  readonly name: string;
  /** Prepares a weight [n, k] (PyTorch's layout); the engine may copy it into its own memory. */
  pack(weight: CompactWeight): CompactMatrix;
  /** Whether `pack` copies the weight, so that its arrays may be reused once it returns. */
  readonly copiesWeights: boolean;
  /** What `columns` needs `start` to be a multiple of. */
  readonly columnAlign: number;
  /**
   * Whether each multiply widens the whole of a float16 weight to float32 first, at a cost
   * that does not shrink with the rows: callers then multiply all rows at once, not in blocks.
   */
  readonly widensF16Whole: boolean;
  /** Output columns [start, start + count) of `b` as an operand of its own. */
  columns(b: CompactMatrix, start: number, count: number): CompactMatrix;
  matmul(args: CompactMatmulArgs): void;
  /**
   * Optional: the SPLADE pooling's product. For each sequence b, whose rows of A are
   * [starts[b], starts[b + 1]), out[b * n + j] = max(0, max over those rows of (A·Bᵀ + bias)[row, j]),
   * computed `block` columns (a multiple of columnAlign) at a time so that the [m, n] product
   * never exists, each row's result as `matmul` gives it. False, having done nothing, where the
   * engine has no such path for this weight.
   */
  maxPooledProduct?(args: PooledProductArgs, starts: Int32Array, block: number, out: Float32Array): boolean;
  /**
   * Optional: a feed-forward block's two multiplies (and, with `norm`, LayerNorm of the result
   * plus A) with the intermediate kept in the engine's memory, each row as `matmul` twice (and
   * `layerNorm`) would give it; false, having done nothing, where the operands do not fit.
   */
  matmulChained?(args: CompactMatmulArgs, second: { readonly b: CompactMatrix; readonly bias?: Float32Array }, norm?: NormArgs): boolean;
  /**
   * Optional: `out = LayerNorm(A · Bᵀ + bias + residual)` (residual rows from `residualOffset`),
   * as `matmul` then `layerNorm` would give it; false, having done nothing, where it does not fit.
   */
  matmulNorm?(args: CompactMatmulArgs, residual: Float32Array, residualOffset: number, norm: NormArgs): boolean;
  /**
   * Optional: `matmul` of the same A by several weights of one k, each into its own output
   * (`b`, `bias`, `out`, `outOffset` from `each`, the rest from `args`), equal to those calls:
   * the engine prepares A once for all (int8: quantized once). False, having done nothing,
   * where it does not fit (float16 weights, an epilogue).
   */
  matmulEach?(args: Omit<CompactMatmulArgs, 'b' | 'out' | 'bias' | 'outOffset'>, each: readonly EachOutput[]): boolean;
  /**
   * Optional: a block of sequences' self-attention from its input rows, the Q, K and V
   * projections made and attended in the engine's memory (see WasmAttention.attendProjectedBy),
   * each projection as `matmulEach` over the block's rows would give it. False, having done
   * nothing, where the projections do not fit.
   */
  attendProjected?(block: CompactProjectedBlock, context: Float32Array, probs?: KeepProbs): boolean;
  /** Rows of W as float32 into `out` [rows.length, k] (float16 exactly; int8 times its scale). */
  readRows(b: CompactMatrix, rows: Int32Array, out: Float32Array): void;
}

/** Rows of W widened at a time by the TypeScript engine's float16 path (at most 1 MiB of float32 for k = 1024). */
const WIDEN_ROWS = 256;

/** A compact weight kept as given, or a window of its rows. */
class RowWindow implements CompactMatrix {
  constructor(readonly weight: CompactWeight, readonly start: number, readonly n: number) {}
  get dtype(): 'f16' | 'int8' { return this.weight.kind; }
  get k(): number { return this.weight.k; }

  /** The window's rows as a weight of their own (views, no copy). */
  view(): CompactWeight {
    const { weight, start, n } = this;
    const { k } = weight;
    if (weight.kind === 'f16') return { kind: 'f16', n, k, bits: weight.bits.subarray(start * k, (start + n) * k) } satisfies F16Weight;
    const float = weight.floatColumns;
    const p = float?.columns.length ?? 0;
    return {
      kind: 'int8', n, k, values: weight.values.subarray(start * k, (start + n) * k), scales: weight.scales.subarray(start, start + n),
      ...(float ? { floatColumns: { columns: float.columns, values: float.values.subarray(start * p, (start + n) * p) } } : {}),
    } satisfies Int8Weight;
  }
}

/**
 * The pure-TypeScript compact engine: float16 rows widened a block at a time and multiplied by
 * the TypeScript float32 kernel; int8 by the reference int8 multiply.
 */
export class TypeScriptCompactGemm implements CompactGemm {
  readonly name = 'typescript';
  readonly columnAlign = 1;
  readonly widensF16Whole = true;
  /** It computes on the weight as given. */
  readonly copiesWeights = false;
  private readonly f32 = new TypeScriptGemm();

  constructor(private readonly options: { outliers?: boolean } = {}) {}

  pack(weight: CompactWeight): CompactMatrix {
    return new RowWindow(weight, 0, weight.n);
  }

  columns(b: CompactMatrix, start: number, count: number): CompactMatrix {
    const w = b as RowWindow;
    return new RowWindow(w.weight, w.start + start, count);
  }

  readRows(b: CompactMatrix, rows: Int32Array, out: Float32Array): void {
    readWeightRows((b as RowWindow).view(), rows, out);
  }

  matmul(args: CompactMatmulArgs): void {
    const weight = (args.b as RowWindow).view();
    if (weight.kind === 'int8') {
      referenceInt8Matmul({ ...args, b: weight, ...(this.options.outliers === false ? { outliers: false } : {}) });
      return;
    }
    const { n, k } = weight;
    const ldo = args.ldo ?? n;
    for (let r0 = 0; r0 < n; r0 += WIDEN_ROWS) {
      const count = Math.min(WIDEN_ROWS, n - r0);
      const wide = new Float32Array(count * k);
      readWeightRows(weight, Int32Array.from({ length: count }, (_, i) => r0 + i), wide);
      this.f32.matmul({
        ...args, b: new RowMajor(wide, count, k), ldo, outOffset: (args.outOffset ?? 0) + r0,
        ...(args.bias ? { bias: args.bias.subarray(r0, r0 + count) } : {}),
      });
    }
  }
}
