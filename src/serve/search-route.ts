// POST /search, splade-ts's own route beside TEI's (served when the handler is given an index,
// `splade serve --index`): each input encoded as a query (the folder's query route; texts
// joined with other requests' as /embed_sparse's are), then the exact top k documents of the
// index by dot product, as `splade search` gives them: per input [{"id", "score"}, ...], and
// with the documents' texts (`splade serve --corpus`) [{"id", "score", "text"}, ...].
import type { SearchHit, SparseIndex } from '../search/sparse-index.js';
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
    checkLengths(context.encoder, parsed, 'query');
    const vectors = await encodeInputs(context, parsed, 'query');
    const hits = vectors.map((vector) => index.search(vector, { topK }).map(({ id, score }) => ({ id, score })));
    return Response.json(texts ? await withTexts(hits, texts) : hits);
  });
}

/** Each hit with its document's text: one look-up for all the request's hits. */
async function withTexts(hits: ReadonlyArray<ReadonlyArray<Pick<SearchHit, 'id' | 'score'>>>, texts: DocumentTexts): Promise<Array<Array<{ id: string; score: number; text: string | null }>>> {
  const found = await texts.texts(hits.flat().map((hit) => hit.id));
  let k = 0;
  return hits.map((row) => row.map(({ id, score }) => ({ id, score, text: found[k++] })));
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
