// A model repository cloned with git but without git-lfs holds, in place of each large file
// (model.safetensors, pytorch_model.bin), a Git LFS pointer: ~130 bytes of text beginning
// "version https://git-lfs.github.com/spec/v1". Read as weights it fails as nonsense (a
// safetensors header size above 2^32, "not a PyTorch checkpoint"), which hides the fix; the
// readers name the pointer instead.

/** What a pointer's first line begins with; its first 8 bytes, "version ", are enough to tell. */
const POINTER_START = new TextEncoder().encode('version https://git-lfs');

/**
 * Whether `bytes`, a file's first bytes (at least 8 of them), begin as a Git LFS pointer does.
 * Only for naming a file that already failed to read: 8 bytes alone are a strong hint, not proof.
 */
export function startsLikeLfsPointer(bytes: Uint8Array): boolean {
  const length = Math.min(bytes.length, POINTER_START.length);
  if (length < 8) return false;
  for (let i = 0; i < length; i++) if (bytes[i] !== POINTER_START[i]) return false;
  return true;
}

/** The end of the message for such a file: what it is and how to get the real one. */
export const LFS_POINTER_ADVICE =
  'a Git LFS pointer, not the file itself: the folder was cloned without git-lfs; ' +
  "run 'git lfs pull' in the clone, or download the model with splade fetch";
