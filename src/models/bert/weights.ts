// Reads a checkpoint's tensors by their Hugging Face names. Every module asks for its weights
// by the canonical name transformers gives them in BertForMaskedLM
// ("bert.encoder.layer.0.attention.self.query.weight"); this file finds the tensor whatever
// spelling the checkpoint uses:
// - with or without the base model's prefix, "bert." (BertForMaskedLM vs bare BertModel-style
//   keys; DistilBERT's views use "distilbert."),
// - legacy TensorFlow-era LayerNorm names "gamma"/"beta" for "weight"/"bias".
// Buffers such as "embeddings.position_ids" are simply never asked for.
import { SpladeError } from '../../errors.js';
import { Tensor, formatShape } from '../../tensor/tensor.js';
import type { TensorSource } from '../../tensor/tensor-source.js';

/** A checkpoint that does not fit the model: a missing tensor, a wrong shape or dtype. */
export class WeightError extends SpladeError {}

const FLOAT_DTYPES = new Set(['F64', 'F32', 'F16', 'BF16']);

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
  ) {}

  /**
   * The root view of a checkpoint.
   * @param base the base model's prefix ('bert' for BertForMaskedLM, 'distilbert' for DistilBertForMaskedLM)
   */
  static of(source: TensorSource, base = 'bert'): Weights {
    return new Weights(source, '', base);
  }

  /** The view of a submodule. */
  prefix(name: string): Weights {
    return new Weights(this.source, this.fullName(name), this.base);
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
   * @throws WeightError naming the tensor (and the spellings tried) when it is missing, and
   *   the tensor with both shapes when its shape is wrong.
   */
  tensor(name: string, shape: readonly number[]): Tensor {
    const canonical = this.fullName(name);
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
    if (!FLOAT_DTYPES.has(info.dtype)) {
      throw new WeightError(`${this.source.description}: tensor '${key}' has dtype ${info.dtype}, expected a float type`);
    }
    return new Tensor(shape, this.source.float32(key), canonical);
  }

  private resolve(canonical: string): string | undefined {
    return candidateNames(canonical, this.base).find((name) => this.source.info(name) !== undefined);
  }
}
