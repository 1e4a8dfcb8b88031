// Wraps a backend to add up the time spent in each op: the per-op profile of a workload.
import type { Activation, AttentionOptions, Backend, LinearHandle, ResidualNorm, SelfAttentionProjections, TokenLayout } from '../src/tensor/backend.js';
import type { CompactWeight } from '../src/tensor/compact-weight.js';
import type { Tensor } from '../src/tensor/tensor.js';

export interface OpProfile {
  readonly backend: Backend;
  /** op name -> [calls, milliseconds of wall time, milliseconds of CPU time (all threads)] */
  readonly totals: Map<string, [number, number, number]>;
}

export function profiled(inner: Backend): OpProfile {
  const totals = new Map<string, [number, number, number]>();
  const wrap = <A extends unknown[], R>(op: string, f: (...args: A) => R) => (...args: A): R => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = f(...args);
    const used = process.cpuUsage(cpu);
    const entry = totals.get(op) ?? [0, 0, 0];
    entry[0]++;
    entry[1] += performance.now() - start;
    entry[2] += (used.user + used.system) / 1000;
    totals.set(op, entry);
    return result;
  };
  const backend: Backend = {
    name: inner.name,
    info: inner.info,
    ...(inner.scope ? { scope: <T>(fn: () => Promise<T>) => inner.scope!(fn) } : {}),
    prepareLinear: (name, weight, bias) => inner.prepareLinear(name, weight, bias),
    linear: wrap('linear', (x, layer, activation) =>
      inner.linear(x, layer, activation)),
    activate: wrap('activate', (x, a) => inner.activate(x, a)),
    add: wrap('add', (a, b) => inner.add(a, b)),
    layerNorm: wrap('layerNorm', (x, r, g, b, eps) => inner.layerNorm(x, r, g, b, eps)),
    gather: wrap('gather', (t, ids) => inner.gather(t, ids)),
    attention: wrap('attention', (q, k, v, tokens, options) => inner.attention(q, k, v, tokens, options)),
    spladePool: wrap('spladePool', (h, d, tokens) => inner.spladePool(h, d, tokens)),
    // The optional ops too, so that the model takes the same paths as on the backend itself.
    ...(inner.release ? { release: (t: Tensor) => inner.release!(t) } : {}),
    ...(inner.dispose ? { dispose: () => inner.dispose!() } : {}),
    ...(inner.prepareCompactLinear ? { prepareCompactLinear: (name: string, w: CompactWeight, bias?: Tensor) => inner.prepareCompactLinear!(name, w, bias) } : {}),
    ...(inner.copiesCompactWeights === undefined ? {} : { copiesCompactWeights: inner.copiesCompactWeights }),
    ...(inner.gatherLinearRows ? { gatherLinearRows: wrap('gather', (layer: LinearHandle, ids: Int32Array) => inner.gatherLinearRows!(layer, ids)) } : {}),
    ...(inner.linears ? { linears: wrap('linear', (x: Tensor, layers: readonly LinearHandle[]) => inner.linears!(x, layers)) } : {}),
    ...(inner.selfAttention ? {
      selfAttention: wrap('selfAttention', (x: Tensor, p: SelfAttentionProjections, tokens: TokenLayout, options: AttentionOptions) => inner.selfAttention!(x, p, tokens, options)),
    } : {}),
    ...(inner.linearNorm ? {
      linearNorm: wrap('linearNorm', (x: Tensor, layer: LinearHandle, residual: Tensor, norm: ResidualNorm) => inner.linearNorm!(x, layer, residual, norm)),
    } : {}),
    ...(inner.feedForward ? {
      feedForward: wrap('feedForward', (x: Tensor, up: LinearHandle, down: LinearHandle, a: Activation, norm?: ResidualNorm) => inner.feedForward!(x, up, down, a, norm)),
    } : {}),
  };
  return { backend, totals };
}
