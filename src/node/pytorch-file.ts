// Reading a PyTorch checkpoint file from disk (Node): the file goes into one exactly-sized
// buffer, which every contiguous tensor is a view of; nothing is copied a second time.
import { readPytorchCheckpoint, type PytorchCheckpoint } from '../formats/pytorch/pytorch-checkpoint.js';
import { readFully, withFileHandle } from './files.js';

/**
 * Reads a `torch.save` file (zip or legacy format) without running its pickle.
 * @throws CheckpointError for a malformed or disallowed pickle, FileAccessError when unreadable
 */
export async function readPytorchCheckpointFile(path: string): Promise<PytorchCheckpoint> {
  return withFileHandle(path, async (handle) => {
    const bytes = new Uint8Array((await handle.stat()).size);
    await readFully(handle, bytes, 0, path);
    return readPytorchCheckpoint(bytes, path);
  });
}
