// Float32 buffers of a forward pass's activations, handed back when the model is done with
// them (Backend.release) and handed out again for a later op's result. Without it every op
// of a bert-base pass over 8 x 128 tokens allocates a fresh 3 MiB (hidden) or 12 MiB
// (intermediate) array, about 450 MiB a call, and the garbage collector runs only every
// ~64 MiB of such external memory: the process then holds that much dead memory on top of
// the live activations (and glibc's heap keeps its high-water mark). With the pool a pass
// allocates its working set once and reuses it, call after call.

/** Most bytes of idle buffers a pool keeps by default (more is left to the garbage collector). */
export const ACTIVATION_POOL_BYTES = 128 << 20;

/**
 * Buffers by length. Only arrays this pool allocated are ever taken back (never a view, a
 * weight or a caller's array), each at most once until it is handed out again.
 */
export class ActivationPool {
  private readonly idle = new Map<number, Float32Array[]>();
  /** Every array this pool allocated (weakly: the ones still in use may be collected). */
  private readonly own = new WeakSet<Float32Array>();
  /** The arrays now idle in `idle`, so that a second release of one is ignored. */
  private readonly idleSet = new Set<Float32Array>();
  private idleBytes = 0;

  constructor(readonly maxIdleBytes = ACTIVATION_POOL_BYTES) {}

  /** A zeroed array of `length` floats (as `new Float32Array(length)`): an idle one when there is one. */
  take(length: number): Float32Array {
    const reused = this.idle.get(length)?.pop();
    if (reused) {
      this.idleSet.delete(reused);
      this.idleBytes -= reused.byteLength;
      return reused.fill(0);
    }
    const fresh = new Float32Array(length);
    this.own.add(fresh);
    return fresh;
  }

  /**
   * A zeroed scratch array of `length` floats for use inside one op (never handed out as a
   * result): a view of the smallest idle buffer that is long enough, when there is one (the
   * 12 MiB intermediate activations of a bert-base batch serve the vocabulary projection's
   * logits block, say), else a new one. Give `owner` back when done.
   */
  takeScratch(length: number): { view: Float32Array; owner: Float32Array } {
    let best: Float32Array | undefined;
    for (const [size, list] of this.idle) {
      if (size >= length && list.length > 0 && (!best || size < best.length)) best = list[list.length - 1];
    }
    const owner = best ? this.take(best.length) : this.take(length);
    return { view: owner.subarray(0, length), owner };
  }

  /**
   * Takes `data` back for reuse when this pool allocated it, it is not idle already and the
   * idle bytes stay within the budget; else does nothing (the garbage collector frees it).
   * The caller must not read or write `data` afterwards.
   */
  give(data: Float32Array): void {
    if (!this.own.has(data) || this.idleSet.has(data)) return;
    if (this.idleBytes + data.byteLength > this.maxIdleBytes) return;
    let list = this.idle.get(data.length);
    if (!list) this.idle.set(data.length, (list = []));
    list.push(data);
    this.idleSet.add(data);
    this.idleBytes += data.byteLength;
  }

  /** Bytes of idle buffers held now. */
  get heldBytes(): number {
    return this.idleBytes;
  }

  /** Drops every idle buffer. */
  clear(): void {
    this.idle.clear();
    this.idleSet.clear();
    this.idleBytes = 0;
  }
}
