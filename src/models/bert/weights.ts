// Reads a checkpoint's tensors by their Hugging Face names. Every module asks for its weights
// by the canonical name transformers gives them in BertForMaskedLM
// ("bert.encoder.layer.0.attention.self.query.weight"); this file finds the tensor whatever
// spelling the checkpoint uses:
// - with or without the base model's prefix, "bert." (BertForMaskedLM vs bare BertModel-style
//   keys; DistilBERT's views use "distilbert."),
// - legacy TensorFlow-era LayerNorm names "gamma"/"beta" for "weight"/"bias".
// Buffers such as "embeddings.position_ids" are simply never asked for.
import { SpladeError } from '../../errors.js';
import {
  layerNormOutlierDims, quantizeInt8Rows, quantizeInt8RowsFrom, toF16Weight, toF16WeightFrom, widenWeight,
  type CompactWeight, type FloatColumns, type Int8Weight, type WeightDType, type WeightRowReader,
} from '../../tensor/compact-weight.js';
import { firstNonFinite, firstNonFiniteF16, nonFiniteMessage } from '../../tensor/finite.js';
import { f16ToF32 } from '../../tensor/half.js';
import { Tensor, formatShape } from '../../tensor/tensor.js';
import type { TensorInfo, TensorSource } from '../../tensor/tensor-source.js';

/** A checkpoint that does not fit the model: a missing tensor, a wrong shape or dtype. */
export class WeightError extends SpladeError {}

const FLOAT_DTYPES = new Set(['F64', 'F32', 'F16', 'BF16']);

/** A tensor holding a NaN or an infinity (see ../../tensor/finite.ts). */
function nonFiniteError(where: string, name: string, shape: readonly number[], index: number, value: number): WeightError {
  return new WeightError(nonFiniteMessage(where, name, shape, index, value));
}

/**
 * The spellings a checkpoint may use for the canonical name, most likely first.
 * @param base the base model's prefix that bare checkpoints leave out ('bert', 'distilbert')
 */
export function candidateNames(canonical: string, base = 'bert'): string[] {
  const prefix = `${base}.`;
  const names = [canonical];
  if (canonical.startsWith(prefix)) names.push(canonical.slice(prefix.length));
  const legacy = canonical.replace(/\.LayerNorm\.weight$/, '.LayerNorm.gamma').replace(/\.LayerNorm\.bias$/, '.LayerNorm.beta');
  if (legacy !== canonical) {
    names.push(legacy);
    if (legacy.startsWith(prefix)) names.push(legacy.slice(prefix.length));
  }
  return names;
}

/**
 * One buffer that transient compact weights (see Weights.linearWeight) are read into, reused
 * weight after weight. Without it each layer's weight is a fresh array, garbage as soon as the
 * backend has packed it; tens of MiB of those pile up between collections during a load and
 * stay in the process's heap afterwards.
 */
class StagingBuffer {
  private buffer = new ArrayBuffer(0);

  /** A buffer of at least `bytes` bytes: the same one as last time when that is large enough. */
  take(bytes: number): ArrayBuffer {
    if (this.buffer.byteLength < bytes) this.buffer = new ArrayBuffer(bytes);
    return this.buffer;
  }
}

/** Options of {@link Weights.linearWeight}. */
export interface LinearWeightOptions {
  /**
   * The caller is done with a compact result once the backend has prepared it (the backend
   * copies it: Backend.copiesCompactWeights): its values may then be read into a buffer that
   * the next transient weight reuses.
   */
  readonly transient?: boolean;
}

/**
 * The canonical path of the LayerNorm whose output a linear (or embedding) weight reads, from
 * the weight's canonical name ("bert.encoder.layer.3.attention.self.query.weight"); undefined
 * for the weights that read something else (attention context, the GELU intermediate).
 */
export type LayerNormReadBy = (weightName: string) => string | undefined;

/**
 * Which input columns of an int8 weight stay float32 (Int8Weight.floatColumns): the outlier
 * dimensions of the LayerNorm it reads, found from that LayerNorm's gain and bias
 * (layerNormOutlierDims), once per LayerNorm.
 */
class FloatColumnChoice {
  private readonly dims = new Map<string, Int32Array>();
  constructor(private readonly readBy: LayerNormReadBy | undefined) {}

  /** The float columns of weight `name` (undefined: none), `dimsOf` reading a LayerNorm's. */
  of(name: string, dimsOf: (layerNorm: string) => Int32Array): Int32Array | undefined {
    const ln = this.readBy?.(name);
    if (ln === undefined) return undefined;
    let dims = this.dims.get(ln);
    if (!dims) {
      dims = dimsOf(ln);
      this.dims.set(ln, dims);
    }
    return dims.length > 0 ? dims : undefined;
  }
}

/**
 * A view of a checkpoint under one module path, e.g. `bert.encoder.layer.3`. `prefix("x")`
 * descends one module; `tensor("weight", shape)` reads `<path>.weight`.
 */
export class Weights {
  private constructor(
    private readonly source: TensorSource,
    /** The canonical Hugging Face path of the module this view is for ('' at the root). */
    readonly path: string,
    /** The base model's prefix that bare checkpoints leave out (see candidateNames). */
    private readonly base: string,
    /**
     * How linear weights are held: undefined keeps them as stored (F16 as f16, I8 as int8,
     * other float dtypes as f32).
     */
    readonly dtype: WeightDType | undefined,
    private readonly staging: StagingBuffer,
    private readonly floatColumns: FloatColumnChoice,
  ) {}

  /**
   * The root view of a checkpoint.
   * @param base the base model's prefix ('bert' for BertForMaskedLM, 'distilbert' for DistilBertForMaskedLM)
   * @param dtype how {@link linearWeight} holds weights
   */
  static of(source: TensorSource, base = 'bert', dtype?: WeightDType, layerNormReadBy?: LayerNormReadBy): Weights {
    return new Weights(source, '', base, dtype, new StagingBuffer(), new FloatColumnChoice(layerNormReadBy));
  }

  /** The view of a submodule. */
  prefix(name: string): Weights {
    return new Weights(this.source, this.fullName(name), this.base, this.dtype, this.staging, this.floatColumns);
  }

  /** The canonical name of a tensor or submodule of this module. */
  fullName(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  /** Whether the checkpoint holds the tensor under any accepted spelling. */
  has(name: string): boolean {
    return this.resolve(this.fullName(name)) !== undefined;
  }

  /**
   * The tensor as float32 with exactly `shape`.
   * @throws WeightError naming the tensor (and the spellings tried) when it is missing, the
   *   tensor with both shapes when its shape is wrong, and the tensor and position of a NaN or
   *   infinity it holds.
   */
  tensor(name: string, shape: readonly number[]): Tensor {
    const canonical = this.fullName(name);
    const info = this.checked(canonical, shape);
    if (!FLOAT_DTYPES.has(info.dtype)) {
      const hint = info.dtype === 'I8' ? ' (an int8 weight: it is read with its weight_scale as a linear weight only)' : '';
      throw new WeightError(`${this.source.description}: tensor '${info.name}' has dtype ${info.dtype}, expected a float type${hint}`);
    }
    const data = this.source.float32(info.name);
    const bad = firstNonFinite(data);
    if (bad >= 0) throw nonFiniteError(this.source.description, info.name, shape, bad, data[bad]);
    return new Tensor(shape, data, canonical);
  }

  /**
   * A linear (or embedding) weight [n, k] held as this view's dtype: float32 as a Tensor,
   * float16 or int8 as a CompactWeight. An I8 tensor is read with its `<name>_scale` (one
   * float per row, compressed-tensors' `weight_scale`). A float tensor asked for as int8 or
   * float16 is converted here, read a block of rows at a time where the source can
   * (TensorSource.readFloat32), else whole: at most this one tensor is ever held as float32.
   * @throws WeightError naming the tensor when it is missing or has the wrong shape, or its
   *   scale is missing or wrong, or either holds a NaN or an infinity (and where)
   */
  linearWeight(name: string, shape: readonly [number, number], options: LinearWeightOptions = {}): Tensor | CompactWeight {
    const canonical = this.fullName(name);
    const info = this.checked(canonical, shape);
    const [n, k] = shape;
    const transient = options.transient === true;
    if (info.dtype === 'I8') {
      const keepsInt8 = this.dtype === undefined || this.dtype === 'int8';
      const stored = this.int8Weight(info, `${canonical}_scale`, n, k, transient && keepsInt8);
      if (keepsInt8) return stored;
      const wide = widenWeight(stored);
      return this.dtype === 'f16' ? toF16Weight(wide, n, k) : new Tensor(shape, wide, canonical);
    }
    // As stored by default: float16 weights stay float16 (widening them is exact either way).
    const stored = info.dtype === 'F16' && this.source.float16Bits ? 'f16' : 'f32';
    switch (this.dtype ?? stored) {
      case 'f32':
        return this.tensor(name, shape);
      case 'f16': {
        if (info.dtype === 'F16' && this.source.float16Bits) {
          const bits = this.source.float16Bits(info.name);
          const bad = firstNonFiniteF16(bits);
          if (bad >= 0) throw nonFiniteError(this.source.description, info.name, shape, bad, f16ToF32(bits[bad]));
          return { kind: 'f16', n, k, bits };
        }
        const read = this.rowReader(info, k);
        if (!read) return toF16Weight(this.tensor(name, shape).data, n, k);
        return toF16WeightFrom(read, n, k, transient ? new Uint16Array(this.staging.take(n * k * 2), 0, n * k) : undefined);
      }
      case 'int8': {
        const keep = this.floatColumnsOf(canonical, k);
        const read = this.rowReader(info, k);
        if (!read) return quantizeInt8Rows(this.tensor(name, shape).data, n, k, keep);
        return quantizeInt8RowsFrom(read, n, k, transient ? new Int8Array(this.staging.take(n * k), 0, n * k) : undefined, keep);
      }
    }
  }

  /**
   * The input columns int8 keeps in float32 for the weight of canonical name `name` with `k`
   * input columns: the outlier dimensions of the LayerNorm it reads (see LayerNormReadBy);
   * undefined where there are none.
   */
  floatColumnsOf(name: string, k: number): Int32Array | undefined {
    return this.floatColumns.of(name, (ln) => this.layerNormDims(ln, k));
  }

  /** The outlier dimensions of the LayerNorm at canonical path `ln` (its weight and bias, k each). */
  private layerNormDims(ln: string, k: number): Int32Array {
    const root = new Weights(this.source, '', this.base, undefined, this.staging, this.floatColumns);
    return layerNormOutlierDims(root.tensor(`${ln}.weight`, [k]).data, root.tensor(`${ln}.bias`, [k]).data);
  }

  /** Rows of a float tensor [n, k] read from the source on demand, when it can (TensorSource.readFloat32), each block checked finite. */
  private rowReader(info: TensorInfo, k: number): WeightRowReader | undefined {
    const { source } = this;
    if (!source.readFloat32 || !FLOAT_DTYPES.has(info.dtype)) return undefined;
    return (first, out) => {
      source.readFloat32!(info.name, first * k, out);
      const bad = firstNonFinite(out);
      if (bad >= 0) throw nonFiniteError(source.description, info.name, info.shape, first * k + bad, out[bad]);
    };
  }

  /** An I8 weight and its scales; the values in the staging buffer when `staged` and the source can read into it. */
  private int8Weight(info: TensorInfo, scaleName: string, n: number, k: number, staged: boolean): Int8Weight {
    const where = this.source.description;
    if (!this.source.int8) throw new WeightError(`${where}: tensor '${info.name}' is I8, which this weight format cannot read`);
    const scaleKey = this.resolve(scaleName);
    const scaleInfo = scaleKey === undefined ? undefined : this.source.info(scaleKey);
    if (!scaleInfo) throw new WeightError(`${where}: int8 tensor '${info.name}' has no scale tensor '${scaleName}'`);
    const rows = scaleInfo.shape.length === 1 || (scaleInfo.shape.length === 2 && scaleInfo.shape[1] === 1) ? scaleInfo.shape[0] : -1;
    if (rows !== n || !FLOAT_DTYPES.has(scaleInfo.dtype)) {
      throw new WeightError(
        `${where}: scale '${scaleInfo.name}' is ${scaleInfo.dtype} ${formatShape(scaleInfo.shape)}, expected one float per row: [${n}] or [${n}, 1]`,
      );
    }
    let values: Int8Array;
    if (staged && this.source.readInt8) {
      values = new Int8Array(this.staging.take(n * k), 0, n * k);
      this.source.readInt8(info.name, values);
    } else {
      values = this.source.int8(info.name);
    }
    const scales = this.source.float32(scaleInfo.name);
    const bad = firstNonFinite(scales);
    if (bad >= 0) throw nonFiniteError(where, scaleInfo.name, [n], bad, scales[bad]);
    const floatColumns = this.storedFloatColumns(info.name, n, k);
    return { kind: 'int8', n, k, values, scales, ...(floatColumns ? { floatColumns } : {}) };
  }

  /**
   * An I8 weight's float columns as `splade quantize` writes them: `<name>_float_columns`
   * (F32 [p], the column indices) and `<name>_float` (F32 [n, p], their weights); absent
   * when the weight has none.
   */
  private storedFloatColumns(name: string, n: number, k: number): FloatColumns | undefined {
    const where = this.source.description;
    const columnsInfo = this.source.info(`${name}_float_columns`);
    const valuesInfo = this.source.info(`${name}_float`);
    if (!columnsInfo && !valuesInfo) return undefined;
    if (!columnsInfo || !valuesInfo) throw new WeightError(`${where}: int8 tensor '${name}' has only one of '${name}_float_columns' and '${name}_float'`);
    const indices = this.source.float32(columnsInfo.name);
    const p = indices.length;
    if (columnsInfo.shape.length !== 1 || !indices.every((c, i) => Number.isInteger(c) && c >= 0 && c < k && (i === 0 || c > indices[i - 1]))) {
      throw new WeightError(`${where}: '${columnsInfo.name}' must list ascending column indices of [0, ${k}) as a 1-d tensor`);
    }
    if (valuesInfo.shape.length !== 2 || valuesInfo.shape[0] !== n || valuesInfo.shape[1] !== p) {
      throw new WeightError(`${where}: '${valuesInfo.name}' has shape ${formatShape(valuesInfo.shape)}, expected [${n}, ${p}]`);
    }
    const values = this.source.float32(valuesInfo.name);
    const bad = firstNonFinite(values);
    if (bad >= 0) throw nonFiniteError(where, valuesInfo.name, valuesInfo.shape, bad, values[bad]);
    return { columns: Int32Array.from(indices), values };
  }

  /** The tensor's info, checked to exist with exactly `shape`. */
  private checked(canonical: string, shape: readonly number[]): TensorInfo {
    const key = this.resolve(canonical);
    if (key === undefined) {
      const tried = candidateNames(canonical, this.base).slice(1);
      const also = tried.length > 0 ? ` (also looked for ${tried.map((n) => `'${n}'`).join(', ')})` : '';
      throw new WeightError(`${this.source.description}: missing tensor '${canonical}'${also}`);
    }
    const info = this.source.info(key)!;
    const same = info.shape.length === shape.length && info.shape.every((d, i) => d === shape[i]);
    if (!same) {
      throw new WeightError(
        `${this.source.description}: tensor '${key}' has shape ${formatShape(info.shape)}, the config expects ${formatShape(shape)}`,
      );
    }
    return info;
  }

  private resolve(canonical: string): string | undefined {
    return candidateNames(canonical, this.base).find((name) => this.source.info(name) !== undefined);
  }
}
