import { SpladeError } from '../errors.js';

/** A tokenizer file that cannot be used, or a bad argument to the tokenizer. */
export class TokenizerError extends SpladeError {}
