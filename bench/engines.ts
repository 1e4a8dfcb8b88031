// The engines the benchmark compares, behind one small interface: splade-ts (any backend),
// onnxruntime-node and onnxruntime-web on the ONNX export of the same weights.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BertForMaskedLM } from '../src/models/bert/bert-for-masked-lm.js';
import { requireBertConfig } from '../src/io/model-config.js';
import { createBackend } from '../src/node/backend.js';
import { loadModelFolderFromDisk } from '../src/node/model-folder.js';
import { disposeBackend } from '../src/tensor/backend.js';
import type { KernelChoice } from '../src/tensor/backend-options.js';
import type { WeightDType } from '../src/tensor/compact-weight.js';
import type { Backend } from '../src/tensor/backend.js';

/** Runs one batch of token ids [batch, seq] (no padding) to SPLADE vectors [batch, vocab]. */
export interface Engine {
  readonly label: string;
  /** How the weights are held (splade-ts: f32, f16 or int8; the ONNX engines: f32). */
  readonly dtype?: string;
  run(ids: Int32Array, batch: number, seq: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** splade-ts on `kernels` (undefined: the fastest CPU kernels here) with `threads`, weights held as `dtype`. */
export async function spladeTs(
  modelDir: string, kernels: KernelChoice | undefined, threads: number, wrap?: (b: Backend) => Backend, dtype?: WeightDType,
): Promise<Engine> {
  const folder = await loadModelFolderFromDisk(modelDir);
  const inner = await createBackend({ ...(kernels ? { kernels } : {}), threads });
  const model = await BertForMaskedLM.load(requireBertConfig(folder.config), folder.weights, wrap ? wrap(inner) : inner, dtype ? { dtype } : {});
  return {
    label: `splade-ts ${inner.name}`,
    dtype: dtype ?? 'f32',
    async run(ids, batch, seq) {
      const output = await model.forward(
        { batch, seq, inputIds: ids, attentionMask: new Uint8Array(batch * seq).fill(1), tokenTypeIds: new Int32Array(batch * seq) },
        { splade: true },
      );
      return output.splade!.data;
    },
    async dispose() {
      disposeBackend(inner);
    },
  };
}

interface OrtTensorLike {
  readonly data: unknown;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensorLike>>;
  release?(): Promise<void>;
}
interface OrtModule {
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;
  InferenceSession: { create(model: string | Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
  env: { wasm: { numThreads?: number; simd?: boolean } };
}

function feeds(ort: OrtModule, ids: Int32Array, batch: number, seq: number): Record<string, unknown> {
  const dims = [batch, seq];
  const ones = new BigInt64Array(ids.length).fill(1n);
  return {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), dims),
    attention_mask: new ort.Tensor('int64', ones, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), dims),
  };
}

function ortEngine(label: string, ort: OrtModule, session: OrtSession): Engine {
  return {
    label,
    async run(ids, batch, seq) {
      const out = await session.run(feeds(ort, ids, batch, seq));
      return out.splade.data as Float32Array;
    },
    async dispose() {
      await session.release?.();
    },
  };
}

/** onnxruntime-node (native), or undefined when it is not installed. */
export async function ortNode(onnxPath: string, threads: number): Promise<Engine | undefined> {
  let ort: OrtModule;
  try {
    ort = (await import('onnxruntime-node')) as unknown as OrtModule;
  } catch {
    return undefined;
  }
  const session = await ort.InferenceSession.create(onnxPath, { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] });
  return ortEngine(`onnxruntime-node x${threads}`, ort, session);
}

/** onnxruntime-web (WebAssembly SIMD), or undefined when it is not installed. */
export async function ortWeb(onnxPath: string, threads: number): Promise<Engine | undefined> {
  let ort: OrtModule;
  try {
    ort = (await import('onnxruntime-web')) as unknown as OrtModule;
  } catch {
    return undefined;
  }
  ort.env.wasm.numThreads = threads;
  const bytes = new Uint8Array(await readFile(onnxPath));
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  return ortEngine(`onnxruntime-web x${threads}`, ort, session);
}

export function onnxPathOf(modelDir: string): string {
  return join(modelDir, 'model.onnx');
}
