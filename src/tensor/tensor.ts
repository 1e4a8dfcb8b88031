import { SpladeError } from '../errors.js';

/** A shape or dtype mismatch at a module boundary; the message names the tensor and both shapes. */
export class ShapeError extends SpladeError {}

/** Number of elements of a tensor of this shape. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** `[2, 3]` as text, for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A row-major float32 tensor with an explicit shape. */
export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;

  constructor(shape: readonly number[], data?: Float32Array, name = 'tensor') {
    for (const dim of shape) {
      if (!Number.isInteger(dim) || dim < 0) {
        throw new ShapeError(`${name}: invalid shape ${formatShape(shape)}`);
      }
    }
    const count = elementCount(shape);
    if (data && data.length !== count) {
      throw new ShapeError(`${name}: shape ${formatShape(shape)} needs ${count} values, got ${data.length}`);
    }
    this.shape = [...shape];
    this.data = data ?? new Float32Array(count);
  }

  get size(): number {
    return this.data.length;
  }

  /** The same data seen with another shape of equal element count. */
  reshape(shape: readonly number[], name = 'tensor'): Tensor {
    return new Tensor(shape, this.data, name);
  }
}

/** Throws a ShapeError naming the tensor unless `tensor` has exactly `expected` as its shape. */
export function assertShape(name: string, tensor: Tensor, expected: readonly number[]): void {
  const actual = tensor.shape;
  if (actual.length !== expected.length || actual.some((dim, i) => dim !== expected[i])) {
    throw new ShapeError(`${name}: expected shape ${formatShape(expected)}, got ${formatShape(actual)}`);
  }
}
