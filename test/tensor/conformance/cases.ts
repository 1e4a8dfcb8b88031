// The shapes the op-conformance harness runs: fixed awkward ones (1, odd sizes, sizes just
// below and above the WebAssembly kernel's SIMD width (4), panel widths (2 x 16, int8 4 x 8) and cache
// blocks (192 rows, 256 k steps, 512 KiB of A), padding rows, sequences of nothing but
// padding, a vocabulary larger than a WebGL texture side) and seeded random ones.
import { mulberry32, randomInt } from '../../../tools/random.js';

/** Right-padded sequence lengths of a batch; `seq` defaults to the longest (at least 1). */
export interface Batch {
  readonly lengths: readonly number[];
  readonly seq?: number;
}

/** One case: an op (or a family: every activation of a linear layer) on one shape. */
export type OpCase =
  | { readonly op: 'linear'; readonly rows: number; readonly inF: number; readonly outF: number }
  | { readonly op: 'feedForward'; readonly rows: number; readonly hidden: number; readonly intermediate: number }
  | { readonly op: 'activate'; readonly rows: number; readonly cols: number; readonly scale: number }
  | { readonly op: 'add'; readonly rows: number; readonly cols: number }
  | { readonly op: 'layerNorm'; readonly rows: number; readonly cols: number; readonly offset: number }
  | { readonly op: 'gather'; readonly tableRows: number; readonly cols: number; readonly ids: readonly number[] }
  | { readonly op: 'gatherLinearRows'; readonly outF: number; readonly inF: number; readonly ids: readonly number[] }
  | { readonly op: 'attention'; readonly batch: Batch; readonly heads: number; readonly headSize: number }
  | { readonly op: 'spladePool'; readonly batch: Batch; readonly hidden: number; readonly vocab: number };

/** Every id of [0, n) once, then the first and the last again, in a scrambled order. */
function someIds(n: number, count: number): number[] {
  const ids = Array.from({ length: count }, (_, i) => (i * 7919) % n);
  return [...ids, n - 1, 0, n - 1];
}

export const FIXED_CASES: readonly OpCase[] = [
  // [rows, in, out]: a single value; exact SIMD widths and one off; the panel sizes (float32
  // mr 2, nr 16; int8 mr 4, nr 8) and one off; odd sizes; k just above the k block (256); rows
  // just above the row block (192); and A above 512 KiB, where k is blocked (131 x 1025 floats).
  ...[
    [1, 1, 1], [1, 8, 4], [4, 4, 8], [3, 5, 7], [5, 3, 9], [2, 16, 16], [3, 15, 17], [7, 33, 65], [13, 64, 48],
    [9, 255, 31], [4, 257, 9], [128, 96, 130], [193, 17, 9], [131, 1025, 10],
  ].map(([rows, inF, outF]) => ({ op: 'linear', rows, inF, outF }) as const),
  // The feed-forward block (an optional op): one row; odd sizes; more rows than a block of a
  // backend with a small scratch budget takes, and not a multiple of one.
  ...[[1, 1, 1], [5, 8, 32], [37, 12, 48], [300, 16, 64], [1030, 12, 44]].map(([rows, hidden, intermediate]) => ({ op: 'feedForward', rows, hidden, intermediate }) as const),
  ...[[1, 1], [3, 4], [2, 5], [9, 37]].map(([rows, cols]) => ({ op: 'activate', rows, cols, scale: 6 }) as const),
  { op: 'activate', rows: 2, cols: 9, scale: 12 },
  ...[[1, 1], [9, 37], [3, 1031]].map(([rows, cols]) => ({ op: 'add', rows, cols }) as const),
  // LayerNorm of one feature (variance 0), odd widths, bert-base's 768, and rows far from 0
  // (widths a multiple of 4 take the WebAssembly backend's kernel, also on two threads).
  ...[[1, 1, 0], [3, 5, 0], [9, 37, 0], [2, 768, 0], [4, 33, 20], [4, 4, 0], [40, 768, 30], [7, 64, 0]].map(([rows, cols, offset]) => ({ op: 'layerNorm', rows, cols, offset }) as const),
  { op: 'gather', tableRows: 1, cols: 1, ids: [0, 0] },
  { op: 'gather', tableRows: 50, cols: 12, ids: [0, 49, 7, 7, 3] },
  { op: 'gather', tableRows: 130, cols: 33, ids: someIds(130, 20) },
  ...[[1, 1], [7, 5], [9, 8], [130, 33], [517, 64]].map(([outF, inF]) => ({ op: 'gatherLinearRows', outF, inF, ids: someIds(outF, 3 * outF + 1) }) as const),
  // Attention: one token; padding; a sequence of nothing but padding (first, middle, last);
  // head sizes 1, 3, 8, 12, 16, 20, 64 (multiples of the float32 panel width, 16, take the
  // WebAssembly backend's in-memory path); sequences of 31 to 37 tokens around the SIMD and panel sizes;
  // sequences long enough that the WebAssembly backend takes their queries in several blocks.
  ...([
    [[1], 1, 1], [[1, 0], 2, 4], [[0, 3], 1, 4], [[5], 1, 8], [[7, 3, 1], 4, 8], [[12, 0, 5], 3, 12],
    [[9], 2, 3], [[16, 16], 2, 64], [[37, 5, 0, 21], 3, 20], [[33, 31], 1, 4], [[37, 5, 0, 21], 2, 16], [[33, 31, 1], 2, 8],
    [[530, 77], 2, 16], [[13, 5, 9], 3, 16],
  ] as Array<[number[], number, number]>).map(([lengths, heads, headSize]) => ({ op: 'attention', batch: { lengths }, heads, headSize }) as const),
  // SPLADE pooling: one term; a batch of nothing but padding; padding and an empty sequence;
  // vocabularies not a multiple of any block; bert-base's 30,522 terms (more rows than a
  // WebGL texture has pixels on a side).
  ...([
    [[1], 1, 1], [[0], 8, 9], [[4], 16, 100], [[9, 2, 0], 24, 1031], [[30, 17], 64, 3000],
    [[25, 1, 0, 13], 24, 3001], [[3], 16, 30522],
  ] as Array<[number[], number, number]>).map(([lengths, hidden, vocab]) => ({ op: 'spladePool', batch: { lengths }, hidden, vocab }) as const),
];

/**
 * `rounds` rounds of one case per op on sizes drawn from `seed` (small, so that backends
 * that compile a kernel per shape stay quick): the same cases in every runtime.
 */
export function randomCases(seed: number, rounds: number): OpCase[] {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number): number => randomInt(random, lo, hi);
  const batch = (): Batch => {
    // The first sequence full, the third (when there is one) nothing but padding.
    const [count, seq] = [int(1, 3), int(1, 9)];
    return { seq, lengths: Array.from({ length: count }, (_, b) => (b === 0 ? seq : b === 2 ? 0 : int(1, seq))) };
  };
  const cases: OpCase[] = [];
  for (let round = 0; round < rounds; round++) {
    const [rows, inF, outF] = [int(1, 9), int(1, 40), int(1, 40)];
    const tableRows = int(1, 30);
    cases.push(
      { op: 'linear', rows, inF, outF },
      { op: 'feedForward', rows, hidden: inF, intermediate: outF },
      { op: 'activate', rows, cols: outF, scale: 6 },
      { op: 'add', rows, cols: inF },
      { op: 'layerNorm', rows, cols: inF, offset: 0 },
      { op: 'gather', tableRows, cols: inF, ids: Array.from({ length: rows }, () => int(0, tableRows - 1)) },
      { op: 'gatherLinearRows', outF, inF, ids: Array.from({ length: rows }, () => int(0, outF - 1)) },
      { op: 'attention', batch: batch(), heads: int(1, 4), headSize: int(1, 9) },
      { op: 'spladePool', batch: batch(), hidden: int(1, 40), vocab: int(1, 70) },
    );
  }
  return cases;
}

/** A case's shape in words, for reports. */
export function describeCase(c: OpCase): string {
  const batch = (b: Batch): string => `lengths [${b.lengths.join(', ')}]${b.seq === undefined ? '' : ` padded to ${b.seq}`}`;
  switch (c.op) {
    case 'linear': return `rows ${c.rows}, in ${c.inF}, out ${c.outF}`;
    case 'feedForward': return `rows ${c.rows}, hidden ${c.hidden}, intermediate ${c.intermediate}`;
    case 'activate': case 'add': return `[${c.rows}, ${c.cols}]`;
    case 'layerNorm': return `[${c.rows}, ${c.cols}]${c.offset ? `, values around ${c.offset}` : ''}`;
    case 'gather': return `${c.ids.length} rows of [${c.tableRows}, ${c.cols}]`;
    case 'gatherLinearRows': return `${c.ids.length} rows of a prepared [${c.outF}, ${c.inF}]`;
    case 'attention': return `${batch(c.batch)}, ${c.heads} heads of ${c.headSize}`;
    case 'spladePool': return `${batch(c.batch)}, hidden ${c.hidden}, vocab ${c.vocab}`;
  }
}
