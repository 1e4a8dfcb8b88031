// The linear memory the WebAssembly kernels work in, with a bump allocator: packed weights
// are allocated once and kept ("permanent"); each operation's packed activations and result
// tiles live in a scratch region above them that the next operation reuses.
import { SpladeError } from '../../errors.js';

const PAGE = 65536;
/** 4 GiB, the most a 32-bit memory can address. */
const MAX_PAGES = 65536;
const ALIGN = 64;

/** True where a shared WebAssembly.Memory can be made (SharedArrayBuffer present, e.g. cross-origin isolated pages). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * A memory that may grow to 4 GiB, or less where that much address space cannot be reserved
 * (a shared memory reserves its maximum up front: 32-bit and mobile browsers may refuse).
 */
function createMemory(shared: boolean): [WebAssembly.Memory, number] {
  for (let maximum = MAX_PAGES; ; maximum /= 2) {
    try {
      return [new WebAssembly.Memory({ initial: 16, maximum, shared }), maximum];
    } catch (error) {
      if (maximum <= 4096) throw error;
    }
  }
}

/** A WebAssembly.Memory with a permanent region growing up from the bottom and scratch above it. */
export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly maximumPages: number;
  /** End of the permanent region (bytes). */
  private top: number;
  private scratchTop = 0;

  /** `reserved` bytes at the start are kept for the caller (job records, thread control words). */
  constructor(readonly shared: boolean, reserved: number) {
    [this.memory, this.maximumPages] = createMemory(shared);
    this.top = roundUp(reserved, ALIGN);
  }

  /** Bytes in use by permanent allocations. */
  get permanentBytes(): number {
    return this.top;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > this.maximumPages) {
      throw new SpladeError(`WebAssembly memory: ${end} bytes needed, more than the ${this.maximumPages * PAGE} bytes this memory may grow to`);
    }
    this.memory.grow(pages);
  }

  /** Allocates `bytes` for the lifetime of the arena (packed weights); returns the byte offset. */
  allocPermanent(bytes: number): number {
    const at = this.top;
    this.ensure(at + bytes);
    this.top = roundUp(at + bytes, ALIGN);
    this.scratchTop = 0;
    return at;
  }

  /** Starts a new operation: the scratch region is free again. */
  resetScratch(): void {
    this.scratchTop = 0;
  }

  /** Where scratch allocation stands now: `releaseScratch(mark)` frees what was allocated after it. */
  scratchMark(): number {
    return this.scratchTop;
  }

  /** Frees the scratch allocated since `mark` (from `scratchMark`, in this operation). */
  releaseScratch(mark: number): void {
    this.scratchTop = Math.min(this.scratchTop, mark);
  }

  /** Allocates `bytes` of scratch, valid until the next `resetScratch` or permanent allocation. */
  allocScratch(bytes: number): number {
    const at = this.top + this.scratchTop;
    this.ensure(at + bytes);
    this.scratchTop = roundUp(this.scratchTop + bytes, ALIGN);
    return at;
  }

  /** A float32 view of `length` values at byte offset `at` (taken fresh: growing detaches old views). */
  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }

  i32(at: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, length);
  }
}
