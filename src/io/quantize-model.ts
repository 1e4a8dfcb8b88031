// `splade quantize`: a model folder's weights rewritten compact. int8 follows compressed-tensors'
// W8A8 scheme ("int-quantized" format, as llm-compressor saves it): each quantized module's
// `weight` becomes I8 and gains `weight_scale` (F32 [out, 1], strategy "channel", symmetric),
// with activations quantized per token at run time; config.json's `quantization_config` says
// so. Besides the linear layers, the word embeddings are quantized the same way (a second
// config group, targets ["Embedding"]): the MLM decoder is tied to them, so they are the same
// 94 MB matrix. A weight that reads a LayerNorm's outlier dimensions keeps those input
// columns in float32 (Int8Weight.floatColumns), as two more tensors of this project's own
// (compressed-tensors has no such thing): `<weight>_float_columns` (F32 [p], the column
// indices) and `<weight>_float` (F32 [out, p]); the I8 weight holds 0 there. f16 is a plain
// float16 checkpoint (every float tensor F16, torch_dtype "float16"), as
// `model.half().save_pretrained()` writes it.
import { SpladeError } from '../errors.js';
import type { TensorToWrite } from '../formats/safetensors-writer.js';
import { quantizeInt8Rows } from '../tensor/compact-weight.js';
import { firstNonFinite, nonFiniteMessage } from '../tensor/finite.js';
import type { TensorSource } from '../tensor/tensor-source.js';

/** What `splade quantize` can write. */
export type QuantizedDType = 'int8' | 'f16';

/**
 * The linear layers' weights by module name: BERT's (query, key, value, the dense layers, the
 * MLM decoder) and DistilBERT's (q_lin, k_lin, v_lin, out_lin, lin1, lin2, vocab_transform,
 * vocab_projector). Each is what the model loads with `Weights.linearWeight`, so a folder
 * written with these as I8 loads as int8 throughout (test/cli/quantize.test.ts checks both
 * families against quantizing on load).
 */
const LINEAR_WEIGHT = /(^|\.)(query|key|value|dense|decoder|q_lin|k_lin|v_lin|out_lin|lin1|lin2|vocab_transform|vocab_projector)\.weight$/;

/** Tensors quantized to int8: the linear layers' and the word embeddings' weights. */
export function isQuantizedWeight(name: string, shape: readonly number[]): boolean {
  return shape.length === 2 && (LINEAR_WEIGHT.test(name) || /(^|\.)word_embeddings\.weight$/.test(name));
}

const INT8_WEIGHTS = { num_bits: 8, type: 'int', symmetric: true, strategy: 'channel', dynamic: false, group_size: null, block_structure: null, observer: 'minmax' };
const INT8_TOKENS = { num_bits: 8, type: 'int', symmetric: true, strategy: 'token', dynamic: true, group_size: null, block_structure: null, observer: null };

/** config.json of the quantized folder: the source's, with how its weights are held. */
export function quantizedConfig(config: Readonly<Record<string, unknown>>, dtype: QuantizedDType): Record<string, unknown> {
  if (dtype === 'f16') return { ...config, torch_dtype: 'float16' };
  return {
    ...config,
    quantization_config: {
      quant_method: 'compressed-tensors',
      format: 'int-quantized',
      quantization_status: 'compressed',
      config_groups: {
        group_0: { targets: ['Linear'], weights: INT8_WEIGHTS, input_activations: INT8_TOKENS, output_activations: null },
        group_1: { targets: ['Embedding'], weights: INT8_WEIGHTS, input_activations: null, output_activations: null },
      },
      ignore: [],
      kv_cache_scheme: null,
    },
  };
}

/**
 * The tensors of the quantized checkpoint, one source tensor read at a time (a generator: each
 * float32 tensor is dropped once quantized). `readInteger` reads integer tensors (position ids).
 * @throws SpladeError when the source is already quantized (an I8 tensor)
 */
export function* quantizedTensors(
  source: TensorSource, dtype: QuantizedDType, readInteger: (name: string) => TensorToWrite | undefined,
  floatColumnsOf?: (name: string, k: number) => Int32Array | undefined,
): Generator<[string, TensorToWrite]> {
  for (const name of source.names()) {
    const info = source.info(name)!;
    if (info.dtype === 'I8') throw new SpladeError(`${source.description}: tensor '${name}' is already int8: quantize a float checkpoint`);
    const float = info.dtype === 'F32' || info.dtype === 'F16' || info.dtype === 'BF16' || info.dtype === 'F64';
    if (!float) {
      // Buffers such as position_ids: copied where the source can read them, else left out
      // (BERT never reads them).
      const copy = readInteger(name);
      if (copy) yield [name, copy];
      continue;
    }
    const data = source.float32(name);
    const bad = firstNonFinite(data);
    if (bad >= 0) throw new SpladeError(nonFiniteMessage(source.description, name, info.shape, bad, data[bad]));
    if (dtype === 'f16') {
      yield [name, { dtype: 'F16', shape: info.shape, data }];
    } else if (isQuantizedWeight(name, info.shape)) {
      const [n, k] = info.shape;
      const q = quantizeInt8Rows(data, n, k, floatColumnsOf?.(name, k));
      yield [name, { dtype: 'I8', shape: info.shape, data: q.values }];
      yield [`${name}_scale`, { dtype: 'F32', shape: [n, 1], data: q.scales }];
      const float = q.floatColumns;
      if (float) {
        yield [`${name}_float_columns`, { dtype: 'F32', shape: [float.columns.length], data: Float32Array.from(float.columns) }];
        yield [`${name}_float`, { dtype: 'F32', shape: [n, float.columns.length], data: float.values }];
      }
    } else {
      yield [name, { dtype: 'F32', shape: info.shape, data }];
    }
  }
}
