// The bodies of POST /tokenize and POST /decode, read as text-embeddings-inference reads them
// (router/src/http/types.rs `TokenizeRequest`, `DecodeRequest`): /tokenize's `inputs` is a text
// or an array of texts (no pairs, no token ids), /decode's `ids` is token ids or an array of
// them. Fields TEI does not know are ignored, as there.
import { checkBatchSize, isNumbers, tokenIds, type RequestLimits } from './embed-request.js';
import { HttpError } from './http-error.js';

/** A checked /tokenize request. */
export interface TokenizeRequest {
  readonly inputs: readonly string[];
  /** Put the model's special tokens around each text (default true). */
  readonly addSpecialTokens: boolean;
  /** The prompt asked for, refused per input (after TEI's empty check) since no folder has prompts here. */
  readonly promptName: string | undefined;
}

/** A checked /decode request. */
export interface DecodeRequest {
  readonly ids: readonly number[][];
  /** Leave the special tokens out of the text (default true). */
  readonly skipSpecialTokens: boolean;
}

/** The /tokenize request of a parsed JSON body, or an HttpError saying which field is wrong. */
export function parseTokenizeRequest(body: unknown, limits: RequestLimits): TokenizeRequest {
  const fields = jsonObject(body, '{"inputs": ...}');
  const inputs = textInputs(fields.inputs, limits);
  const prompt = fields.prompt_name;
  const promptName = prompt === undefined || prompt === null ? undefined : String(prompt);
  return { inputs, addSpecialTokens: booleanField(fields, 'add_special_tokens', true), promptName };
}

/** The /decode request of a parsed JSON body, or an HttpError saying which field is wrong. */
export function parseDecodeRequest(body: unknown, limits: RequestLimits): DecodeRequest {
  const fields = jsonObject(body, '{"ids": ...}');
  const value = fields.ids;
  // TEI's untagged enum tries one row of ids first, so `[]` is one empty row (refused as
  // empty later), never an empty batch.
  if (Array.isArray(value) && (value.length === 0 || isNumbers(value))) return { ids: [tokenIds(value, '`ids`')], skipSpecialTokens: skip(fields) };
  if (!Array.isArray(value) || !value.every((row) => Array.isArray(row))) {
    throw new HttpError('`ids` must be an array of token ids, or an array of such arrays', 'Validation');
  }
  checkBatchSize(value.length, limits);
  const ids = value.map((row: unknown[], i) => {
    if (row.length > 0 && !isNumbers(row)) throw new HttpError(`\`ids\`[${i}] must be an array of token ids`, 'Validation');
    return tokenIds(row as number[], `\`ids\`[${i}]`);
  });
  return { ids, skipSpecialTokens: skip(fields) };
}

function skip(fields: Record<string, unknown>): boolean {
  return booleanField(fields, 'skip_special_tokens', true);
}

/** `inputs`: a text, or a non-empty array of at most maxClientBatchSize texts. */
function textInputs(value: unknown, limits: RequestLimits): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw new HttpError('`inputs` must be a string or an array of strings (/tokenize takes no token ids nor pairs)', 'Validation');
  const bad = value.findIndex((input) => typeof input !== 'string');
  if (bad >= 0) throw new HttpError(`\`inputs\`[${bad}] must be a string (/tokenize takes no token ids nor pairs)`, 'Validation');
  if (value.length === 0) throw new HttpError('`inputs` cannot be empty', 'Empty');
  checkBatchSize(value.length, limits);
  return value as string[];
}

function jsonObject(body: unknown, shape: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(`the body must be a JSON object ${shape}`, 'Validation');
  return body as Record<string, unknown>;
}

/** A boolean field with a default when absent; null is refused, as TEI's (serde's) plain bool refuses it. */
function booleanField(fields: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = fields[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new HttpError(`\`${name}\` must be true or false`, 'Validation');
  return value;
}
