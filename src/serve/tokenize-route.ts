// POST /tokenize, as text-embeddings-inference answers it (router/src/http/server.rs
// `tokenize`, core/src/tokenization.rs `into_tokens`): per input, its tokens as
// {"id", "text", "special", "start", "stop"}. A special token added around the text has its
// token as text and null offsets; any other token has UTF-8 byte offsets into the input and
// those bytes as its text. Texts are never cut, as TEI's are not here.
import type { ServeContext } from './context.js';
import { admitted, checkCharacters } from './encode-inputs.js';
import { HttpError } from './http-error.js';
import { readJson } from './request-body.js';
import { fullEncoding, servedTokenizer, tokenizing, type ServedTokenizer } from './served-tokenizer.js';
import { parseTokenizeRequest, type TokenizeRequest } from './tokenize-request.js';
import { Utf8Text } from './utf8-offsets.js';
import type { Encoding } from '../tokenizer/tokenizer.js';

/** One token of TEI's /tokenize answer (its `SimpleToken`). */
export interface SimpleToken {
  readonly id: number;
  readonly text: string;
  readonly special: boolean;
  /** UTF-8 byte offset of the token's start in the input; null for a special token added around it. */
  readonly start: number | null;
  readonly stop: number | null;
}

export function tokenizeRoute(context: ServeContext, request: Request): Promise<Response> {
  return admitted(context, async () => {
    const parsed = parseTokenizeRequest(await readJson(request, context.limits.payloadLimit), context.limits);
    const tokenizer = servedTokenizer(context.encoder);
    const limit = context.encoder.defaultMaxLength('document');
    return Response.json(parsed.inputs.map((text) => simpleTokens(encodeOne(tokenizer, text, parsed, limit), text)));
  });
}

/** One input's encoding, after TEI's checks of it in TEI's order: empty, prompt, characters. */
function encodeOne(tokenizer: ServedTokenizer, text: string, request: TokenizeRequest, limit: number): Encoding {
  if (text.length === 0) throw new HttpError('`inputs` cannot be empty', 'Empty');
  if (request.promptName !== undefined) throw new HttpError('prompt_name is not supported: the model folder has no prompts', 'Validation');
  checkCharacters(text, limit);
  return fullEncoding(tokenizing(() => tokenizer.encode(text, { addSpecialTokens: request.addSpecialTokens })));
}

/** TEI's tokens of an encoding of `text`. */
function simpleTokens(encoding: Encoding, text: string): SimpleToken[] {
  const utf8 = new Utf8Text(text);
  return encoding.ids.map((id, k) => {
    if (encoding.specialTokensMask[k] === 1) return { id, text: encoding.tokens[k], special: true, start: null, stop: null };
    const start = utf8.byteOffset(encoding.offsets[k][0]);
    const stop = utf8.byteOffset(encoding.offsets[k][1]);
    return { id, text: utf8.slice(start, stop), special: false, start, stop };
  });
}
