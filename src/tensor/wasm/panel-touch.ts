// Touching the next weight panel while multiplying this one: WebAssembly has no prefetch
// instruction, so the kernels load one word of the next n-panel each loop iteration and drop
// it, which brings its cache lines in before they are needed.
//
// Why: a short batch (a 12-token query) reads every weight once per forward, straight from
// memory (bert-base: 434 MB in float32, 110 MB in int8), and with few rows each panel is
// multiplied too quickly for the hardware prefetcher to stream the next one in: measured on Q,
// the kernels ran at 60-70% of their in-cache speed. The touches are spread evenly over all
// of a panel's row passes (the step is an iteration's bytes / mCount), not all in the first
// pass, where they had asked for the whole panel at once (spread: Q float32 62.7 -> 55.3 ms,
// int8 46.6 -> 36.1 ms at 2 threads; all in the first pass: float32 2%, int8 12%). The words
// touched never leave the next panel (or this one, for the last panel of a job: touch 0), so
// they stay inside memory; large batches, whose panels stay in cache, lose nothing measurable.
import type { FunctionBuilder } from './function-builder.js';

/** Panel kernel parameters: bytes from B to the panel to touch (0: B itself) and bytes a touch moves on. */
export const TOUCH_PARAMS = ['touch', 'touchStep'] as const;
/** The local a panel kernel walks the touched panel with. */
const TOUCH_POINTER = 'tp';

/** Declares the pointer and points it at the panel to touch (once per kernel call, before the row passes). */
export function startTouching(f: FunctionBuilder): void {
  f.local(TOUCH_POINTER);
  f.get('b').get('touch').add().set(TOUCH_POINTER);
}

/** One touch, in the kernel's k loop. */
export function touchOnce(f: FunctionBuilder): void {
  f.get(TOUCH_POINTER).i32Load(0).drop();
  f.bump(TOUCH_POINTER, 'touchStep');
}

/**
 * Pushes the kernel's touch arguments, in a driver walking n-panels [np, npEnd) `bStride`
 * bytes apart: the next panel where there is one, spread over `mCount` passes of
 * `iterationBytes` an iteration.
 */
export function pushTouchArgs(f: FunctionBuilder, iterationBytes: number): void {
  f.get('bStride').i32(0).get('np').i32(1).add().get('npEnd').ltU().select();
  f.i32(iterationBytes).get('mCount').op1(0x6e); // i32.div_u
}
