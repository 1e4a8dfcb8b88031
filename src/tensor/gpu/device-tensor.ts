// Activations of the gpu.js backend stay on the device between ops. A DeviceTensor is a
// Tensor whose `data` is read back from the device only when someone reads it (a capture,
// the last hidden state): the model passes tensors from op to op without looking inside.
import { SpladeError } from '../../errors.js';
import { Tensor, elementCount } from '../tensor.js';
import type { DeviceArray } from './gpu-js.js';

/** Reading an activation that no longer exists on the device or cannot be read synchronously. */
export class DeviceReadError extends SpladeError {}

/** One device allocation and, once read back, its host copy; shared by reshaped views. */
export class DeviceStorage {
  /** Set when a view was handed out (reshape): read back before the device copy is freed. */
  escaped = false;
  host: Float32Array | undefined;

  constructor(
    public array: DeviceArray | undefined,
    readonly size: number,
    private readonly readSync: (array: DeviceArray) => Float32Array,
    private readonly readAsync: (array: DeviceArray) => Promise<Float32Array>,
  ) {}

  /** The values, read back without blocking (the only way on WebGPU). */
  async readLater(): Promise<Float32Array> {
    if (!this.host && this.array) this.host = await this.readAsync(this.array);
    return this.read();
  }

  read(): Float32Array {
    if (this.host) return this.host;
    if (!this.array) {
      throw new DeviceReadError('this activation was released from the GPU after its forward pass (reshape it, as captures do, to keep it)');
    }
    this.host = this.readSync(this.array);
    return this.host;
  }
}

// The Tensor constructor wants a data array of the right length; DeviceTensors replace it
// with a getter at once, so they all share one placeholder buffer instead of allocating.
let placeholder = new Float32Array(0);
function placeholderOf(count: number): Float32Array {
  if (placeholder.length < count) placeholder = new Float32Array(count);
  return placeholder.subarray(0, count);
}

export class DeviceTensor extends Tensor {
  constructor(
    shape: readonly number[],
    readonly storage: DeviceStorage,
    name = 'tensor',
  ) {
    super(shape, placeholderOf(elementCount(shape)), name);
    // `data` is an own field of Tensor: replace it with an accessor on this instance.
    Object.defineProperty(this, 'data', { get: () => storage.read(), enumerable: true, configurable: true });
  }

  override get size(): number {
    return this.storage.size;
  }

  /** The same device values seen with another shape; the view may outlive the forward pass. */
  override reshape(shape: readonly number[], name = 'tensor'): Tensor {
    if (elementCount(shape) !== this.storage.size) {
      // Let Tensor's constructor produce the usual ShapeError.
      return new Tensor(shape, this.storage.read(), name);
    }
    this.storage.escaped = true;
    return new DeviceTensor(shape, this.storage, name);
  }
}

/**
 * A tensor's values, waiting for the device where needed: a DeviceTensor on WebGPU can only
 * be read this way while its forward pass runs (`data` throws there).
 */
export async function readTensorData(tensor: Tensor): Promise<Float32Array> {
  return tensor instanceof DeviceTensor ? tensor.storage.readLater() : tensor.data;
}
