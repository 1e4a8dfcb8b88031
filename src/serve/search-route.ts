// POST /search, splade-ts's own route beside TEI's (served when the handler is given an index,
// `splade serve --index`): each input encoded as a query (the folder's query route; texts
// joined with other requests' as /embed_sparse's are), then the exact top k documents of the
// index by dot product, as `splade search` gives them: per input [{"id", "score"}, ...], and
// with the documents' texts (`splade serve --corpus`) [{"id", "score", "text"}, ...]; with
// "explain" in the body each hit also has "terms", as `splade search --explain` prints them.
import { termRows } from '../search/hit-explanation.js';
import type { SparseIndex } from '../search/sparse-index.js';
import type { ServeContext } from './context.js';
import { parseEmbedRequest } from './embed-request.js';
import { admitted, checkLengths, encodeInputs } from './encode-inputs.js';
import { HttpError } from './http-error.js';
import { readJson } from './request-body.js';

/** Most documents a query may ask for (each is a JSON object in the answer). */
export const MAX_TOP_K = 1000;

/**
 * The texts of an index's documents by id, for POST /search to answer with: `CorpusTexts`
 * (splade-ts/node) reads them from the corpus file the index was built from.
 */
export interface DocumentTexts {
  /** Each id's text, or null for a document it does not have. */
  texts(ids: readonly string[]): Promise<Array<string | null>>;
}

/** What POST /search searches: the index, and the texts of its documents when there are any. */
export interface SearchSource {
  readonly index: SparseIndex;
  readonly texts: DocumentTexts | undefined;
}

export function searchRoute(context: ServeContext, { index, texts }: SearchSource, request: Request): Promise<Response> {
  return admitted(context, async () => {
    const body = await readJson(request, context.limits.payloadLimit);
    const parsed = parseEmbedRequest(body, context.limits);
    const topK = topKOf(body as Record<string, unknown>);
    const explain = explainOf(body as Record<string, unknown>);
    checkLengths(context.encoder, parsed, 'query');
    const vectors = await encodeInputs(context, parsed, 'query', request.signal);
    const results = vectors.map((vector) => index.search(vector, { topK }));
    // One look-up for all the request's hits.
    const found = texts && (await texts.texts(results.flat().map((hit) => hit.id)));
    const { tokenizer } = context.encoder;
    const token = (term: number): string => tokenizer?.idToToken(term) ?? `[${term}]`;
    let k = 0;
    return Response.json(results.map((hits, q) => hits.map(({ doc, id, score }) => ({
      id,
      score,
      ...(found ? { text: found[k++] } : {}),
      ...(explain === undefined ? {} : { terms: termRows(index.explain(vectors[q], doc).terms, explain, token) }),
    }))));
  });
}

/** `explain`: true for all of a hit's terms, a whole number for the first so many; false, null or absent for none. */
function explainOf(fields: Record<string, unknown>): number | undefined {
  const value = fields.explain;
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return Infinity;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new HttpError(`\`explain\` must be true, false or a whole number of at least 1, got ${JSON.stringify(value)}`, 'Validation');
  }
  return value;
}

/** `top_k`: default 10, a whole number from 1 to MAX_TOP_K. */
function topKOf(fields: Record<string, unknown>): number {
  const value = fields.top_k;
  if (value === undefined || value === null) return 10;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TOP_K) {
    throw new HttpError(`\`top_k\` must be a whole number from 1 to ${MAX_TOP_K}, got ${JSON.stringify(value)}`, 'Validation');
  }
  return value;
}
