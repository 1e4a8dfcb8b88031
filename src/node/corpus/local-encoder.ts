// A WindowEncoder in this process: one SpladeEncoder. SpladeEncoder.encode already sorts a
// window's texts by length and batches neighbours, so little work goes into padding.
import { SpladeEncoder } from '../splade-encoder.js';
import { countTexts } from './text-counts.js';
import type { EncodeSettings, WindowEncoder } from './window-encoder.js';

/** Loads the model(s) of `settings` into a SpladeEncoder. */
export async function loadEncoder(settings: EncodeSettings): Promise<SpladeEncoder> {
  return SpladeEncoder.fromPretrained(settings.model, {
    ...settings.backend,
    ...(settings.queryModel !== undefined ? { queryModel: settings.queryModel } : {}),
    ...(settings.dtype !== undefined ? { dtype: settings.dtype } : {}),
  });
}

/** Encodes windows of texts with one encoder in this process. */
export async function localWindowEncoder(settings: EncodeSettings): Promise<WindowEncoder> {
  const encoder = await loadEncoder(settings);
  const maxLength = settings.maxLength ?? encoder.defaultMaxLength(settings.role);
  return {
    parallelism: 1,
    encode: async (texts) => {
      let windows = 0;
      const vectors = await encoder.encode(texts, {
        batchSize: settings.batchSize, maxLength, role: settings.role,
        overflow: settings.overflow, stride: settings.stride, specialTokens: settings.specialTokens,
        ...(settings.truncation ? { truncation: settings.truncation } : {}),
        ...(settings.prune ? { prune: settings.prune } : {}),
        onOverflow: (report) => {
          if (settings.overflow === 'chunk') windows = report.windows;
        },
      });
      return { vectors, counts: countTexts(encoder, texts, settings.role, maxLength, windows) };
    },
    close: async () => encoder.dispose(),
  };
}
