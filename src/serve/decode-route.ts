// POST /decode, as text-embeddings-inference answers it (router/src/http/server.rs `decode`):
// per row of token ids, the model tokenizer's text of them, special tokens left out unless
// `skip_special_tokens` is false; ids the vocabulary lacks are left out, as Rust's decode does.
import type { ServeContext } from './context.js';
import { admitted } from './encode-inputs.js';
import { HttpError } from './http-error.js';
import { readJson } from './request-body.js';
import { servedTokenizer, tokenizing } from './served-tokenizer.js';
import { parseDecodeRequest } from './tokenize-request.js';

export function decodeRoute(context: ServeContext, request: Request): Promise<Response> {
  return admitted(context, async () => {
    const parsed = parseDecodeRequest(await readJson(request, context.limits.payloadLimit), context.limits);
    const tokenizer = servedTokenizer(context.encoder);
    const texts = parsed.ids.map((ids) => {
      if (ids.length === 0) throw new HttpError('`input_ids` cannot be empty', 'Empty');
      return tokenizing(() => tokenizer.decode(ids, { skipSpecialTokens: parsed.skipSpecialTokens }));
    });
    return Response.json(texts);
  });
}
