// Touching the next weight panel while multiplying this one: WebAssembly has no prefetch
// instruction, so the kernels load words of the next n-panel each loop iteration and drop
// them, which brings its cache lines in before they are needed.
//
// Why: a short batch (a 12-token query) reads every weight once per forward, straight from
// memory (bert-base: 434 MB in float32, 110 MB in int8), and with few rows each panel is
// multiplied too quickly for the hardware prefetcher to stream the next one in: measured on Q,
// the kernels ran at 60-70% of their in-cache speed. The touches are spread evenly over all
// of a panel's row passes (the step is an iteration's bytes / mCount), not all in the first
// pass, where they had asked for the whole panel at once (spread: Q float32 62.7 -> 55.3 ms,
// int8 46.6 -> 36.1 ms at 2 threads; all in the first pass: float32 2%, int8 12%).
//
// Two streams for short row blocks (TWO_STREAM_ROWS), half a panel apart: each iteration
// touches one word in the next panel's first half and one in its second. A single stream
// pulled at most ~8 GB/s on one core (a memcmp reads 16): the hardware prefetcher follows
// each stream only so far ahead, and a touch that misses holds up the core until its line
// arrives, so two streams keep twice the lines on the way. Measured on an Intel Xeon (one
// thread, 12 x 3072 x 768 over 48 weight matrices that do not fit in cache): one stream 27.6
// GFLOP/s, two 32.2, three or four 29-31 (more loads an iteration); Q 104 -> 95 ms float32
// and 62 -> 56 ms int8 at one thread.
//
// The words touched never leave the next panel (or this one, for the last panel of a job:
// touch 0), so they stay inside memory; large batches, whose panels stay in cache, lose
// nothing measurable. A float16 panel widened right before its multiply touches the float16
// source of the next two panels of its job instead (gemm-module.ts, pushPanelTouch).
import type { FunctionBuilder } from './function-builder.js';

/** Panel kernel parameters: bytes from B to the panel to touch (0: B itself) and bytes a touch moves on. */
export const TOUCH_PARAMS = ['touch', 'touchStep'] as const;

/** Touch streams of a panel kernel: two where a row block is short, one elsewhere. */
export type TouchStreams = 1 | 2;

/**
 * Row blocks of at most this many rows take the two-stream kernels. The second stream costs
 * two instructions an iteration, which row blocks with many passes over a panel (whose panels
 * stay in cache) pay for nothing: one is enough there (measured, 2 threads: D 4.6 % and L 4.7 %
 * slower with two streams everywhere). A 12-token query is 6 float32 / 3 int8 row panels.
 */
export const TWO_STREAM_ROWS = 16;

/** The locals a panel kernel walks the touched panel with: the first stream, and the second's distance from it. */
const TOUCH_POINTER = 'tp';
const HALF_PANEL = 'tpHalf';

/**
 * Declares the touch locals and points them at the panel to touch (once per kernel call,
 * before the row passes); `pushPanelBytes` pushes the bytes of one panel's k range.
 */
export function startTouching(f: FunctionBuilder, streams: TouchStreams, pushPanelBytes: () => void): void {
  f.local(TOUCH_POINTER);
  f.get('b').get('touch').add().set(TOUCH_POINTER);
  if (streams === 2) {
    f.local(HALF_PANEL);
    pushPanelBytes();
    f.i32(1).op1(0x76).set(HALF_PANEL); // i32.shr_u
  }
}

/** One touch in each stream, in the kernel's k loop. */
export function touchOnce(f: FunctionBuilder, streams: TouchStreams): void {
  f.get(TOUCH_POINTER).i32Load(0).drop();
  if (streams === 2) f.get(TOUCH_POINTER).get(HALF_PANEL).add().i32Load(0).drop();
  f.bump(TOUCH_POINTER, 'touchStep');
}

/**
 * Pushes the kernel's touch arguments, in a driver walking n-panels [np, npEnd) `bStride`
 * bytes apart: the next panel where there is one; each stream covers its share of it over
 * `mCount` passes of `iterationBytes` an iteration (rounded down, so that a stream never
 * reaches the next one's share or the panel's end).
 */
export function pushTouchArgs(f: FunctionBuilder, iterationBytes: number, streams: TouchStreams): void {
  f.get('bStride').i32(0).get('np').i32(1).add().get('npEnd').ltU().select();
  f.i32(iterationBytes).get('mCount').i32(streams).mul().op1(0x6e); // i32.div_u
}

/** Pushes whether a driver's row block (`mCount` panels of `mr` rows) takes the two-stream kernel. */
export function pushTwoStreams(f: FunctionBuilder, mr: number): void {
  f.get('mCount').i32(mr).mul().i32(TWO_STREAM_ROWS + 1).ltU();
}
