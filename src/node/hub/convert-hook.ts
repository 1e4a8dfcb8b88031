// After a pickle-only download, `splade fetch` converts the checkpoint once to
// model.safetensors beside it, so every later load takes the zero-copy safetensors path.
// The converter itself belongs to the checkpoint reader; this is the one place that finds it.

/**
 * Converts the PyTorch checkpoint of a model folder (`pytorch_model.bin` or a sharded
 * `pytorch_model.bin.index.json`) to `model.safetensors` in the same folder, atomically;
 * resolves to the path written.
 */
export type ConvertCheckpointFolder = (dir: string) => Promise<string>;

/** The checkpoint reader's converter, or undefined while this build has none. */
export async function loadCheckpointConverter(): Promise<ConvertCheckpointFolder | undefined> {
  return undefined;
}
