// After a pickle-only download, `splade fetch` converts the checkpoint once to
// model.safetensors beside it, so every later load takes the zero-copy safetensors path.
// The converter itself is the checkpoint reader's (`splade convert`); this is where fetch
// finds it, imported only when a pickle arrived.
import { join } from 'node:path';

/**
 * Converts the PyTorch checkpoint of a model folder (`pytorch_model.bin` or a sharded
 * `pytorch_model.bin.index.json`) to `model.safetensors` in the same folder, atomically;
 * resolves to the path written.
 */
export type ConvertCheckpointFolder = (dir: string) => Promise<string>;

/** The checkpoint reader's converter, writing `<dir>/model.safetensors`. */
export async function loadCheckpointConverter(): Promise<ConvertCheckpointFolder> {
  const { convertToSafetensors } = await import('../convert.js');
  return async (dir) => (await convertToSafetensors(dir, join(dir, 'model.safetensors'))).out;
}
