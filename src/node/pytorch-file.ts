// Reading a PyTorch checkpoint file from disk (Node): the file goes into one exactly-sized
// buffer, which every contiguous tensor is a view of; nothing is copied a second time.
import { open, type FileHandle } from 'node:fs/promises';
import { readPytorchCheckpoint, type PytorchCheckpoint } from '../checkpoint/pytorch-checkpoint.js';
import { fileError, readFully } from './files.js';

/**
 * Reads a `torch.save` file (zip or legacy format) without running its pickle.
 * @throws CheckpointError for a malformed or disallowed pickle, FileAccessError when unreadable
 */
export async function readPytorchCheckpointFile(path: string): Promise<PytorchCheckpoint> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, 'open', error);
  }
  try {
    const bytes = new Uint8Array((await handle.stat()).size);
    await readFully(handle, bytes, 0, path);
    return readPytorchCheckpoint(bytes, path);
  } catch (error) {
    if (error instanceof Error && 'code' in error) throw fileError(path, 'read', error);
    throw error;
  } finally {
    await handle.close();
  }
}
