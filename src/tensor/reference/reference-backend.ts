// The reference CPU backend: plainly correct, readable loops, one function per op (the other
// files of this folder). The speed of the project is another backend's job; this one is the
// yardstick the faster ones are tested against.
import { ActivationPool } from '../activation-pool.js';
import type { BackendInfo } from '../backend-options.js';
import type {
  Activation,
  AttentionOptions,
  AttentionResult,
  Backend,
  LinearHandle,
  TokenLayout,
} from '../backend.js';
import { Tensor, ShapeError, formatShape } from '../tensor.js';
import { activateInPlace } from './activations.js';
import { attentionForward } from './attention.js';
import { gatherRows } from './gather.js';
import { layerNormForward } from './layer-norm.js';
import { linearForward } from './linear.js';
import { spladePoolForward } from './splade-pool.js';

/** The reference backend's linear layer: the checkpoint's [out, in] weight as it is. */
export class CpuLinear implements LinearHandle {
  constructor(
    readonly name: string,
    readonly weight: Float32Array,
    readonly bias: Float32Array | undefined,
    readonly inFeatures: number,
    readonly outFeatures: number,
  ) {}
}

function asCpuLinear(layer: LinearHandle): CpuLinear {
  if (!(layer instanceof CpuLinear)) {
    throw new TypeError(`${layer.name}: linear layer was prepared by another backend`);
  }
  return layer;
}

function columns(x: Tensor): number {
  return x.shape[x.shape.length - 1];
}

/**
 * The [out, in] sizes of a linear layer's weight, checked against its bias.
 * @throws ShapeError naming the tensor and both shapes
 */
export function linearSizes(name: string, weight: Tensor, bias?: Tensor): [outFeatures: number, inFeatures: number] {
  if (weight.shape.length !== 2) throw new ShapeError(`${name}.weight: expected 2 dimensions, got ${formatShape(weight.shape)}`);
  const [outF, inF] = weight.shape;
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError(`${name}.bias: expected shape [${outF}], got ${formatShape(bias.shape)}`);
  }
  return [outF, inF];
}

export class ReferenceBackend implements Backend {
  readonly name: string = 'cpu-reference';

  /** The buffers of released activations (see Backend.release), for later ops' results. */
  protected readonly activations = new ActivationPool();

  /** @param notes what `info.notes` says (why these kernels run; see BackendInfo) */
  constructor(protected readonly notes: readonly string[] = []) {}

  /** Takes an activation's buffer back for reuse (see Backend.release). */
  release(tensor: Tensor): void {
    this.activations.give(tensor.data);
  }

  /** A zeroed result buffer: a released one of that length when there is one. */
  protected allocate(length: number): Float32Array {
    return this.activations.take(length);
  }

  get info(): BackendInfo {
    return { backend: 'cpu', kernels: 'reference', threads: 1, name: this.name, notes: this.notes };
  }

  prepareLinear(name: string, weight: Tensor, bias?: Tensor): LinearHandle {
    const [outF, inF] = linearSizes(name, weight, bias);
    return new CpuLinear(name, weight.data, bias?.data, inF, outF);
  }

  linear(x: Tensor, layer: LinearHandle, activation: Activation = 'none'): Tensor {
    const cpu = asCpuLinear(layer);
    const rows = x.size / cpu.inFeatures;
    const out = this.allocate(rows * cpu.outFeatures);
    linearForward(out, x.data, cpu.weight, cpu.bias, rows, cpu.inFeatures, cpu.outFeatures);
    activateInPlace(out, activation);
    return new Tensor([rows, cpu.outFeatures], out);
  }

  activate(x: Tensor, activation: Activation): Tensor {
    const out = this.allocate(x.size);
    out.set(x.data);
    activateInPlace(out, activation);
    return new Tensor(x.shape, out);
  }

  add(a: Tensor, b: Tensor): Tensor {
    const out = this.allocate(a.size);
    for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
    return new Tensor(a.shape, out);
  }

  layerNorm(x: Tensor, residual: Tensor | null, gamma: Tensor, beta: Tensor, eps: number): Tensor {
    const features = columns(x);
    const out = this.allocate(x.size);
    layerNormForward(out, x.data, residual?.data ?? null, gamma.data, beta.data, x.size / features, features, eps);
    return new Tensor(x.shape, out);
  }

  gather(table: Tensor, ids: Int32Array): Tensor {
    const features = columns(table);
    const out = this.allocate(ids.length * features);
    gatherRows(out, table.data, ids, features);
    return new Tensor([ids.length, features], out);
  }

  attention(query: Tensor, key: Tensor, value: Tensor, tokens: TokenLayout, options: AttentionOptions): AttentionResult {
    const hidden = columns(query);
    const { batch, seq } = tokens;
    const { numHeads } = options;
    const context = this.allocate(query.size);
    const probs = options.keepProbs ? new Float32Array(batch * numHeads * seq * seq) : null;
    attentionForward(context, probs, query.data, key.data, value.data, tokens.mask, {
      batch,
      seq,
      numHeads,
      headSize: hidden / numHeads,
    });
    return {
      context: new Tensor([batch * seq, hidden], context),
      ...(probs ? { probs: new Tensor([batch, numHeads, seq, seq], probs) } : {}),
    };
  }

  spladePool(hidden: Tensor, decoder: LinearHandle, tokens: TokenLayout): Tensor {
    const cpu = asCpuLinear(decoder);
    const out = new Float32Array(tokens.batch * cpu.outFeatures);
    spladePoolForward(out, hidden.data, cpu.weight, cpu.bias, tokens.mask, {
      batch: tokens.batch,
      seq: tokens.seq,
      hidden: cpu.inFeatures,
      vocab: cpu.outFeatures,
    });
    return new Tensor([tokens.batch, cpu.outFeatures], out);
  }
}
