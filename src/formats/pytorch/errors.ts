import { SpladeError } from '../../errors.js';

/**
 * A PyTorch checkpoint that splade-ts will not read: a malformed or truncated file, a
 * compressed zip entry, an unsupported dtype, or a pickle that asks for anything outside the
 * allow-list of data-only globals. The message names the file and the entry, opcode, global
 * or tensor at fault.
 */
export class CheckpointError extends SpladeError {}
