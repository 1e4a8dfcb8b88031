// config.json's `quantization_config`: how its stored weights are to be read. The loader reads
// an I8 weight as compressed-tensors' symmetric per-row int8 (weight × weight_scale, one scale a
// row: what `splade quantize` writes) whatever the record says, so a record asking for anything
// else is refused here, naming the field. Unchecked, an asymmetric record's zero points were
// ignored without a word (every vector silently wrong), and another method's tensors (GPTQ's
// qweight, a packed 4-bit weight_packed) read as "missing tensor ...weight".
import { ConfigError } from '../models/config-fields.js';

/** The compressed-tensors formats whose weights are either float or int8 as stored. */
const READABLE_FORMATS = ['int-quantized', 'naive-quantized', 'dense'];

const FIELD = 'quantization_config';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks `config.quantization_config` (absent or null: nothing to check).
 * @throws ConfigError naming `source` and the field (`quantization_config.config_groups.group_0.weights.symmetric`)
 */
export function checkQuantizationConfig(config: Readonly<Record<string, unknown>>, source: string): void {
  const record = config[FIELD];
  if (record === undefined || record === null) return;
  const fail = (field: string, why: string): never => {
    throw new ConfigError(`${source}: field '${field}' ${why}`);
  };
  if (!isRecord(record)) fail(FIELD, `must be an object, got ${JSON.stringify(record)}`);
  const quantized = record as Record<string, unknown>;
  if (quantized.quant_method !== 'compressed-tensors') {
    const method = quantized.quant_method === undefined ? 'is missing' : `is ${JSON.stringify(quantized.quant_method)}`;
    fail(`${FIELD}.quant_method`, `${method}; splade-ts reads compressed-tensors' int8 (as splade quantize writes it): quantize the float checkpoint with splade quantize instead`);
  }
  const format = quantized.format;
  if (format !== undefined && format !== null && !READABLE_FORMATS.includes(format as string)) {
    fail(`${FIELD}.format`, `is ${JSON.stringify(format)}; splade-ts reads ${READABLE_FORMATS.map((f) => `"${f}"`).join(', ')}`);
  }
  const groups = quantized.config_groups;
  if (groups === undefined || groups === null) return;
  if (!isRecord(groups)) fail(`${FIELD}.config_groups`, `must be an object, got ${JSON.stringify(groups)}`);
  for (const [name, group] of Object.entries(groups as Record<string, unknown>)) {
    const where = `${FIELD}.config_groups.${name}`;
    if (!isRecord(group)) fail(where, `must be an object, got ${JSON.stringify(group)}`);
    checkWeightScheme((group as Record<string, unknown>).weights, `${where}.weights`, fail);
  }
}

/** A group's `weights`: symmetric per-row ("channel") int of at most 8 bits, or null (not quantized). */
function checkWeightScheme(weights: unknown, where: string, fail: (field: string, why: string) => never): void {
  if (weights === undefined || weights === null) return;
  if (!isRecord(weights)) fail(where, `must be an object, got ${JSON.stringify(weights)}`);
  const scheme = weights as Record<string, unknown>;
  if (scheme.type !== undefined && scheme.type !== 'int') fail(`${where}.type`, `is ${JSON.stringify(scheme.type)}; splade-ts reads "int" weights`);
  const bits = scheme.num_bits;
  if (bits !== undefined && !(typeof bits === 'number' && Number.isInteger(bits) && bits >= 1 && bits <= 8)) {
    fail(`${where}.num_bits`, `is ${JSON.stringify(bits)}; splade-ts reads weights of at most 8 bits, stored as I8`);
  }
  if (scheme.symmetric === false) fail(`${where}.symmetric`, 'is false; splade-ts reads symmetric int8 only (it has no zero points)');
  if (scheme.strategy !== undefined && scheme.strategy !== 'channel') {
    fail(`${where}.strategy`, `is ${JSON.stringify(scheme.strategy)}; splade-ts reads one scale a row (strategy "channel")`);
  }
}
