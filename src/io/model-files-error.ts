import { SpladeError } from '../errors.js';

/** A model file that is missing or cannot be fetched; the message names the folder or URL and the file. */
export class ModelFilesError extends SpladeError {}
