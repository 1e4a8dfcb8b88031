// `--dtype f32|f16|int8`, shared by the commands that load a model.
import { WEIGHT_DTYPES, type WeightDType } from '../tensor/compact-weight.js';
import { UsageError } from './command.js';
import { optionUsage } from './option-usage.js';

/** The --help lines of --dtype, descriptions at `column` (that of the command's other options). */
export function dtypeUsage(column: number): string {
  return optionUsage('--dtype f32|f16|int8', `how the weights are held: f32 (default for float checkpoints, exact), f16
    (half the memory) or int8 (a quarter, quantized per row; the default for folders written by
    \`splade quantize\`)`, column);
}

/** --dtype as a SpladeEncoder option ({} when not given). */
export function dtypeOption(value: string | undefined): { dtype?: WeightDType } {
  if (value === undefined) return {};
  if (!(WEIGHT_DTYPES as readonly string[]).includes(value)) {
    throw new UsageError(`--dtype must be one of ${WEIGHT_DTYPES.join(', ')}, got '${value}'`);
  }
  return { dtype: value as WeightDType };
}
