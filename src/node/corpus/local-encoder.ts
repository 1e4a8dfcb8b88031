// A WindowEncoder in this process: one SpladeEncoder. SpladeEncoder.encode already sorts a
// window's texts by length and batches neighbours, so little work goes into padding.
import { SpladeEncoder } from '../splade-encoder.js';
import { createNodeBackend } from '../backend.js';
import type { BackendChoice, GpuMode } from '../../tensor/select-backend.js';
import type { EncodeSettings, WindowEncoder } from './window-encoder.js';

/** Loads the model(s) of `settings` into a SpladeEncoder. */
export async function loadEncoder(settings: EncodeSettings): Promise<SpladeEncoder> {
  const cpu = (settings.backend ?? 'cpu') === 'cpu';
  return SpladeEncoder.fromPretrained(settings.model, {
    ...(settings.queryModel !== undefined ? { queryModel: settings.queryModel } : {}),
    ...(cpu && settings.threads !== undefined
      ? { backend: createNodeBackend({ threads: settings.threads }) }
      : settings.backend !== undefined ? { backend: settings.backend as BackendChoice } : {}),
    ...(settings.gpuMode !== undefined ? { gpuMode: settings.gpuMode as GpuMode } : {}),
  });
}

/** Encodes windows of texts with one encoder in this process. */
export async function localWindowEncoder(settings: EncodeSettings): Promise<WindowEncoder> {
  const encoder = await loadEncoder(settings);
  return {
    parallelism: 1,
    encode: (texts) => encoder.encode(texts, { batchSize: settings.batchSize, maxLength: settings.maxLength, role: settings.role }),
    close: async () => encoder.dispose(),
  };
}
