// sentence-transformers' SparseEncoder folders around a generated MLM folder, as
// SparseEncoder.save writes them (checked against sentence_transformers' Router,
// SparseStaticEmbedding and SpladePooling modules): with a Router (query: SparseStaticEmbedding,
// document: MLMTransformer + SpladePooling) and without one (the MLM folder plus modules.json
// and SpladePooling's folder). Several test files load, quantize, fetch and export them.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensorsFile } from '../../src/node/safetensors-file.js';

const TYPES = {
  router: 'sentence_transformers.models.Router',
  static: 'sentence_transformers.sparse_encoder.models.SparseStaticEmbedding.SparseStaticEmbedding',
  mlm: 'sentence_transformers.sparse_encoder.models.MLMTransformer.MLMTransformer',
  pooling: 'sentence_transformers.sparse_encoder.models.SpladePooling.SpladePooling',
} as const;

/** SpladePooling's config.json: max pooling of log(1 + relu(x)) unless said otherwise. */
export type PoolingConfig = Record<string, unknown>;

/**
 * A Router folder in `dir`: modules.json, router_config.json, `document_0_MLMTransformer/` (a
 * copy of `mlm`), `document_1_SpladePooling/config.json` (`pooling`) and
 * `query_0_SparseStaticEmbedding/` (`staticWeight` as its model.safetensors, and those of
 * `mlm`'s tokenizer files it has).
 */
export async function writeRouterFolder(dir: string, mlm: string, pooling: PoolingConfig, staticWeight: Float32Array): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'modules.json'), JSON.stringify([{ idx: 0, name: '0', path: '', type: TYPES.router }], null, 2));
  writeFileSync(join(dir, 'router_config.json'), JSON.stringify({
    types: { query_0_SparseStaticEmbedding: TYPES.static, document_0_MLMTransformer: TYPES.mlm, document_1_SpladePooling: TYPES.pooling },
    structure: { query: ['query_0_SparseStaticEmbedding'], document: ['document_0_MLMTransformer', 'document_1_SpladePooling'] },
    parameters: { default_route: 'document', allow_empty_key: true },
  }, null, 4));
  cpSync(mlm, join(dir, 'document_0_MLMTransformer'), { recursive: true });
  writeFileSync(join(dir, 'document_0_MLMTransformer', 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 32, do_lower_case: false }));
  mkdirSync(join(dir, 'document_1_SpladePooling'), { recursive: true });
  writeFileSync(join(dir, 'document_1_SpladePooling', 'config.json'), JSON.stringify(pooling));
  const query = join(dir, 'query_0_SparseStaticEmbedding');
  mkdirSync(query, { recursive: true });
  for (const name of ['vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json']) if (existsSync(join(mlm, name))) cpSync(join(mlm, name), join(query, name));
  writeFileSync(join(query, 'config.json'), JSON.stringify({ frozen: false }));
  await writeSafetensorsFile(join(query, 'model.safetensors'), [['weight', { dtype: 'F32', shape: [staticWeight.length], data: staticWeight }]], { format: 'pt' });
}

/** A SparseEncoder saved without a Router in `dir`: a copy of `mlm`, modules.json and `1_SpladePooling/config.json`. */
export function writePlainSparseEncoderFolder(dir: string, mlm: string, pooling: PoolingConfig): void {
  cpSync(mlm, dir, { recursive: true });
  writeFileSync(join(dir, 'modules.json'), JSON.stringify([
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.sparse_encoder.models.MLMTransformer' },
    { idx: 1, name: '1', path: '1_SpladePooling', type: 'sentence_transformers.sparse_encoder.models.SpladePooling' },
  ]));
  mkdirSync(join(dir, '1_SpladePooling'), { recursive: true });
  writeFileSync(join(dir, '1_SpladePooling', 'config.json'), JSON.stringify(pooling));
}

/**
 * OpenSearch's doc-only repositories as they are published for sentence-transformers: the MLM
 * folder at the root (with idf.json, for OpenSearch's own code), modules.json naming a Router at
 * the root whose document route's MLMTransformer is that root folder (id ''), its SpladePooling
 * in `document_1_SpladePooling/` and its SparseStaticEmbedding in `query_0_SparseStaticEmbedding/`
 * (`staticWeight`, and `mlm`'s tokenizer files); no `document_0_MLMTransformer/` folder.
 */
export async function writeRootMlmRouterFolder(dir: string, mlm: string, pooling: PoolingConfig, staticWeight: Float32Array): Promise<void> {
  await writeRouterFolder(dir, mlm, pooling, staticWeight);
  const moved = join(dir, 'document_0_MLMTransformer');
  cpSync(moved, dir, { recursive: true });
  rmSync(moved, { recursive: true });
  writeFileSync(join(dir, 'router_config.json'), JSON.stringify({
    types: { query_0_SparseStaticEmbedding: TYPES.static, '': TYPES.mlm, document_1_SpladePooling: TYPES.pooling },
    structure: { query: ['query_0_SparseStaticEmbedding'], document: ['', 'document_1_SpladePooling'] },
    parameters: { default_route: 'document', allow_empty_key: true },
  }, null, 4));
}
