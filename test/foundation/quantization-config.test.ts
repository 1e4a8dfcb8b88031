// config.json's quantization_config says how stored weights are to be read. splade-ts reads
// compressed-tensors' symmetric per-row int8 (what `splade quantize` writes); any other record
// would make the I8 tensors mean something else (zero points, per-group scales, packed 4-bit)
// or name tensors the loader does not know, so it is refused naming the field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/models/bert/config.js';
import { parseModelConfig } from '../../src/io/model-config.js';
import { quantizedConfig } from '../../src/io/quantize-model.js';

const SOURCE = 'models/q/config.json';
const BERT = { model_type: 'bert', hidden_size: 64, num_attention_heads: 4, num_hidden_layers: 2, intermediate_size: 128, vocab_size: 1200 };

interface QuantizationRecord {
  format: unknown;
  config_groups: Record<string, { weights: unknown }>;
}

/** The int8 config `splade quantize` writes, with `change` applied to its quantization_config. */
function tampered(change: (q: QuantizationRecord) => void): Record<string, unknown> {
  const config = structuredClone(quantizedConfig(BERT, 'int8'));
  change(config.quantization_config as QuantizationRecord);
  return config;
}

/** The `weights` record of a group, to edit. */
function weightsOf(q: QuantizationRecord, group: string): Record<string, unknown> {
  return q.config_groups[group].weights as Record<string, unknown>;
}

function refused(config: Record<string, unknown>, field: string, why: RegExp): void {
  try {
    parseModelConfig(config, SOURCE);
  } catch (error) {
    assert.instance(error, ConfigError);
    const message = (error as Error).message;
    assert.ok(message.startsWith(`${SOURCE}: field '${field}' `), message);
    assert.match(message, why);
    return;
  }
  assert.unreachable(`accepted a quantization_config with a bad '${field}'`);
}

test('what splade quantize writes is accepted, and so are a dense record and none', () => {
  parseModelConfig(quantizedConfig(BERT, 'int8'), SOURCE);
  parseModelConfig(tampered((q) => { q.format = 'naive-quantized'; }), SOURCE);
  parseModelConfig(tampered((q) => { q.format = 'dense'; }), SOURCE);
  parseModelConfig(tampered((q) => { weightsOf(q, 'group_0').num_bits = 4; }), SOURCE);
  parseModelConfig({ ...BERT, quantization_config: null }, SOURCE);
});

test('another quantization method or format is refused naming it', () => {
  refused({ ...BERT, quantization_config: { quant_method: 'gptq', bits: 4 } }, 'quantization_config.quant_method', /"gptq"; splade-ts reads compressed-tensors/);
  refused({ ...BERT, quantization_config: { load_in_8bit: true } }, 'quantization_config.quant_method', /undefined|missing/);
  refused(tampered((q) => { q.format = 'pack-quantized'; }), 'quantization_config.format', /"pack-quantized"/);
  refused({ ...BERT, quantization_config: 'int8' }, 'quantization_config', /must be an object/);
});

test('weights that are not symmetric per-row int of at most 8 bits are refused naming the group', () => {
  const weights = 'quantization_config.config_groups.group_0.weights';
  refused(tampered((q) => { weightsOf(q, 'group_0').symmetric = false; }), `${weights}.symmetric`, /zero points/);
  refused(tampered((q) => { weightsOf(q, 'group_0').strategy = 'group'; }), `${weights}.strategy`, /"group"; .*"channel"/);
  refused(tampered((q) => { weightsOf(q, 'group_0').type = 'float'; }), `${weights}.type`, /"float"/);
  refused(tampered((q) => { weightsOf(q, 'group_0').num_bits = 16; }), `${weights}.num_bits`, /16/);
  refused(tampered((q) => { q.config_groups.group_1.weights = 'int8'; }), 'quantization_config.config_groups.group_1.weights', /object/);
});

test.run();
