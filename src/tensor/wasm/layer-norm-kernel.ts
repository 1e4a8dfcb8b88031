// `layer_norm_rows(record)`: one thread's share of a residual add + LayerNorm, rows
// [start, end), in place: y = x + residual (float32, as PyTorch's separate add rounds it), then
// (y - mean) / sqrt(var + eps) · gamma + beta with the biased variance of two passes, as
// torch.nn.LayerNorm. Rows are independent, so the rows are split over the threads with no
// merge; the calling thread only copies the rows in and out. Features must be a multiple of 4
// (f32x4 lanes; other widths take the TypeScript loop).
import { F32, I32, V128 } from './binary-writer.js';
import { FunctionBuilder } from './function-builder.js';
import { foldLanes } from './vector-math.js';

/** Byte offsets of the fields of a LayerNorm record (i32, eps f32). */
export const LAYER_NORM = {
  /** [rows, features] floats, normalized in place. */
  x: 0,
  /** [rows, features] floats added to x first, or 0 for none. */
  residual: 4,
  gamma: 8,
  beta: 12,
  features: 16,
  start: 20,
  end: 24,
  eps: 28,
} as const;
export const LAYER_NORM_BYTES = 64;

const OP = { add: 0xe4, sub: 0xe5, mul: 0xe6 } as const;
const F32_ADD = 0x92;
const F32_DIV = 0x95;
const F32_SQRT = 0x91;
const F32_CONVERT_I32_U = 0xb3;

/** Pushes the record's field `name` (the function's parameter `record`). */
function field(f: FunctionBuilder, name: keyof typeof LAYER_NORM): FunctionBuilder {
  return f.get('record').i32Load(LAYER_NORM[name]);
}

/** Runs `body` for p = 0, 16, ... < rowBytes. */
function overRow(f: FunctionBuilder, body: () => void): void {
  f.i32(0).set('p');
  f.doWhile(() => {
    body();
    f.bump('p', 16);
  }, () => f.get('p').get('rowBytes').ltU());
}

/** y = x + residual (when there is one), stored in place; sets mean and vMean. */
function addResidualAndMean(f: FunctionBuilder): void {
  f.v128Zero().set('acc');
  overRow(f, () => {
    f.get('x').get('p').add().v128Load().set('v');
    f.get('residual').ifElse(() => {
      f.get('v').get('r').get('p').add().v128Load().simdOp(OP.add).set('v');
      f.get('x').get('p').add().get('v').v128Store();
    });
    f.get('acc').get('v').simdOp(OP.add).set('acc');
  });
  foldLanes(f, 'acc', F32_ADD);
  f.get('n').op1(F32_DIV).tee('mean').f32x4Splat().set('vMean');
}

/** Sets scale and vScale to 1 / sqrt(variance + eps), the biased variance from the centred values. */
function inverseDeviation(f: FunctionBuilder): void {
  f.v128Zero().set('acc');
  overRow(f, () => {
    f.get('x').get('p').add().v128Load().get('vMean').simdOp(OP.sub).tee('v');
    f.get('v').simdOp(OP.mul);
    f.get('acc').simdOp(OP.add).set('acc');
  });
  f.f32Const(1);
  foldLanes(f, 'acc', F32_ADD);
  f.get('n').op1(F32_DIV);
  f.get('record').f32Load(LAYER_NORM.eps);
  f.op1(F32_ADD).op1(F32_SQRT).op1(F32_DIV).tee('scale').f32x4Splat().set('vScale');
}

/** (y - mean) · scale · gamma + beta, in place. */
function normalize(f: FunctionBuilder): void {
  overRow(f, () => {
    f.get('x').get('p').add();
    f.get('x').get('p').add().v128Load().get('vMean').simdOp(OP.sub);
    f.get('vScale').simdOp(OP.mul);
    field(f, 'gamma').get('p').add().v128Load().simdOp(OP.mul);
    field(f, 'beta').get('p').add().v128Load().simdOp(OP.add);
    f.v128Store();
  });
}

/** `layer_norm_rows(record)`: see the top of this file. */
export function layerNormRows(): FunctionBuilder {
  const f = new FunctionBuilder('layer_norm_rows', ['record'], [I32]);
  for (const name of ['row', 'end', 'rowBytes', 'x', 'r', 'p', 'residual']) f.local(name);
  for (const name of ['n', 'mean', 'scale']) f.local(name, F32);
  for (const name of ['acc', 'v', 'vMean', 'vScale']) f.local(name, V128);
  field(f, 'start').set('row');
  field(f, 'end').set('end');
  field(f, 'residual').set('residual');
  field(f, 'features').i32(4).mul().set('rowBytes');
  field(f, 'features').op1(F32_CONVERT_I32_U).set('n');
  f.get('row').get('end').ltU().get('rowBytes').mul().ifElse(() => {
    f.doWhile(() => {
      field(f, 'x').get('row').get('rowBytes').mul().add().set('x');
      f.get('residual').get('row').get('rowBytes').mul().add().set('r');
      addResidualAndMean(f);
      inverseDeviation(f);
      normalize(f);
      f.bump('row', 1);
    }, () => f.get('row').get('end').ltU());
  });
  return f;
}
