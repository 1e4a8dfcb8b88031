// The body of POST /embed_sparse, read as text-embeddings-inference reads it
// (router/src/http/types.rs `EmbedSparseRequest`): `inputs` is a text, token ids, or a batch of
// either; `truncate` and `truncation_direction` say what to do with a text too long for the
// model. Fields TEI does not know are ignored there, as here; `query` is splade-ts's own.
import type { TruncationSide } from '../tokenizer/index.js';
import { HttpError } from './http-error.js';

/** One input: a text, or token ids used as given (special tokens included). */
export type EmbedInput = string | readonly number[];

/** A checked /embed_sparse request. */
export interface EmbedRequest {
  readonly inputs: readonly EmbedInput[];
  /** Truncate texts longer than the model's limit (else such a text is an error). */
  readonly truncate: boolean;
  /**
   * TEI's truncation_direction: which end of a text too long for the model is cut ('left'
   * keeps its end); undefined when the request leaves it out, for the folder's
   * tokenizer_config.json truncation_side (TEI itself cuts on the right then).
   */
  readonly truncation: TruncationSide | undefined;
  /** Encode as queries (the folder's query route: idf.json, a query model), splade-ts's own field. */
  readonly query: boolean;
}

/** The limits a request is checked against (SpladeHandlerOptions: maxClientBatchSize, autoTruncate). */
export interface RequestLimits {
  readonly maxClientBatchSize: number;
  readonly autoTruncate: boolean;
}

/** The request of a parsed JSON body, or an HttpError saying which field is wrong. */
export function parseEmbedRequest(body: unknown, limits: RequestLimits): EmbedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError('the body must be a JSON object {"inputs": ...}', 'Validation');
  }
  const fields = body as Record<string, unknown>;
  const inputs = parseInputs(fields.inputs);
  if (inputs.length === 0) throw new HttpError('`inputs` cannot be empty', 'Empty');
  checkBatchSize(inputs.length, limits);
  // TEI refuses an empty text or row of ids as it refuses an empty batch, whichever of the batch
  // it is (core/src/tokenization.rs `encode`), where it would otherwise be [CLS] [SEP]'s vector.
  if (inputs.some((input) => input.length === 0)) throw new HttpError('`inputs` cannot be empty', 'Empty');
  const truncate = optionalBoolean(fields, 'truncate') ?? limits.autoTruncate;
  const truncation = truncationDirection(fields.truncation_direction);
  if (fields.prompt_name !== undefined && fields.prompt_name !== null) {
    throw new HttpError('prompt_name is not supported: the model folder has no prompts', 'Validation');
  }
  return { inputs, truncate, truncation, query: optionalBoolean(fields, 'query') ?? false };
}

/** TEI's TruncationDirection: "left" or "Left", "right" or "Right" (serde's aliases); null or absent: undefined. */
function truncationDirection(value: unknown): TruncationSide | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'left' || value === 'Left') return 'left';
  if (value === 'right' || value === 'Right') return 'right';
  throw new HttpError(`truncation_direction must be "left" or "right" (or "Left", "Right"), got ${JSON.stringify(value)}`, 'Validation');
}

/** TEI's limit on the inputs of one request (max_client_batch_size). */
export function checkBatchSize(size: number, limits: RequestLimits): void {
  if (size > limits.maxClientBatchSize) throw new HttpError(`batch size ${size} > maximum allowed batch size ${limits.maxClientBatchSize}`, 'Validation');
}

/** `inputs`: one input, or an array of them (TEI tries the single forms first, as here). */
function parseInputs(value: unknown): EmbedInput[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw new HttpError('`inputs` must be a string, an array of token ids, or an array of either', 'Validation');
  if (isNumbers(value)) return [tokenIds(value, '`inputs`')];
  return value.map((input: unknown, i) => {
    if (typeof input === 'string') return input;
    // An empty row is token ids, as TEI's u32 list reads it: refused as empty, not as of a wrong type.
    if (Array.isArray(input) && input.length === 0) return [];
    if (isNumbers(input)) return tokenIds(input, `\`inputs\`[${i}]`);
    throw new HttpError(`\`inputs\`[${i}] must be a string or an array of token ids`, 'Validation');
  });
}

/** A non-empty array of numbers: token ids, to be checked (an empty array is a batch of nothing). */
export function isNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((id) => typeof id === 'number');
}

/** `ids` when each is a whole number from 0 (TEI's u32), else an error naming the first that is not. */
export function tokenIds(ids: number[], where: string): number[] {
  const bad = ids.findIndex((id) => !Number.isInteger(id) || id < 0 || id > 0xffffffff);
  if (bad >= 0) throw new HttpError(`${where}[${bad}] is ${ids[bad]}: token ids are whole numbers from 0`, 'Validation');
  return ids;
}

function optionalBoolean(fields: Record<string, unknown>, name: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new HttpError(`\`${name}\` must be true or false`, 'Validation');
  return value;
}
