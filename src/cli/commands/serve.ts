// `splade serve`: a model behind text-embeddings-inference's HTTP API (POST /embed_sparse,
// POST /vertex, POST /tokenize, POST /decode, GET /info, GET /health; see
// ../../serve/handler.ts), until SIGINT or SIGTERM.
import { SpladeEncoder } from '../../node/splade-encoder.js';
import { checkListenable, listen } from '../../node/http-server.js';
import { openIndexFile } from '../../node/index-file.js';
import { CorpusTexts } from '../../node/corpus/corpus-texts.js';
import type { SparseIndex } from '../../search/sparse-index.js';
import { createSpladeHandler, type SpladeHandlerOptions } from '../../serve/handler.js';
import { BACKEND_FLAGS, backendUsage, backendOptionsFromFlags } from '../backend-flags.js';
import { oneOf, parseCommandArgs, wholeNumber } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { dtypeUsage, dtypeOption } from '../dtype-option.js';
import { CORPUS_FLAGS, corpusSettings } from '../corpus-option.js';

const usage = `usage: splade serve --model DIR|REPO_ID [--port N] [--host ADDRESS] [options]

Serves SPLADE vectors over HTTP with the API of Hugging Face's text-embeddings-inference
(TEI), so that clients written for TEI's sparse endpoint work unchanged:
  POST /embed_sparse  {"inputs": "text" | ["text", ...] | [ids...], "truncate": true|false}
                      -> [[{"index": i, "value": w}, ...], ...] (non-zero weights, by index);
                      "truncation_direction": "left" cuts a long text's start (default: the
                      folder's tokenizer_config.json truncation_side, else "right");
                      "query": true encodes queries (the folder's query route), splade-ts's own;
                      POST / and POST /invocations are /embed_sparse too, as TEI's
  POST /vertex        {"instances": [/embed_sparse body, ...]} -> {"predictions": [...]}
                      (TEI's route for Google Vertex AI)
  POST /tokenize      {"inputs": "text" | ["text", ...], "add_special_tokens": true|false}
                      -> per text [{"id", "text", "special", "start", "stop"}, ...], start
                      and stop UTF-8 byte offsets (null for the special tokens added)
  POST /decode        {"ids": [ids...] | [[ids...], ...], "skip_special_tokens": true|false}
                      -> ["text", ...]
  GET /info           the model and the limits below; GET /health (and / and /ping): 200
  POST /search        with --index: {"inputs": "query" | [...], "top_k": 10} -> per query the
                      exact top k documents [{"id": ..., "score": ...}, ...] (splade-ts's own);
                      with --corpus each hit also has its document's "text"; with
                      "explain": true (or N, the first N) its "terms" [[token, query weight,
                      document weight, contribution], ...], as splade search --explain
Errors are TEI's: {"error": "...", "error_type": "..."} with 400, 413, 422, 424 or 429. One
encode runs at a time, requests in arrival order, the texts of requests that wait joined into
the next. Stops on SIGINT or SIGTERM.

options:
  --model DIR|REPO_ID       the model folder or repository id (required)
  --query-model DIR|REPO_ID a separate model for queries ("query": true, /search)
  --index FILE.spladeidx    an index of document vectors (splade index) to serve /search over
  --corpus FILE             the corpus the index was built from, as splade encode --input read
                            it (JSON lines or id<TAB>text): /search hits carry their "text"
                            (null for a document it does not have); read once at start
  --corpus-format jsonl|tsv how its lines are written (default: by its name, .tsv is TSV)
  --host ADDRESS            the address to listen on (default 127.0.0.1: this machine only;
                            0.0.0.0 for every interface, as TEI's default)
  --port N                  the port (default 3000, as TEI; 0: any free port)
  --max-client-batch-size N most inputs in one request (default 32)
  --max-concurrent-requests N  requests let in at once, uploading, waiting or running;
                            beyond, 429 (default 512)
  --payload-limit BYTES     most bytes of a request body; beyond, 413 (default 2000000)
  --auto-truncate true|false  cut texts longer than the model's limit when a request does
                            not say (default true); false refuses them (422)
  --max-length N            tokens a document is cut to (default: the model's limit)
  --query-max-length N      tokens a query is cut to
  --batch-size N            texts per forward pass (default 16)
  --max-batch-texts N       most texts of waiting requests joined into one encode (default 64)
  --cors-allow-origin ORIGIN  web pages of this origin (https://host[:port]; * for any) may
                            call the server (repeatable; default none, TEI's default is any)
${dtypeUsage(28)}
${backendUsage(28)}`;

const SERVE_FLAGS = {
  model: { type: 'string' },
  'query-model': { type: 'string' },
  index: { type: 'string' },
  ...CORPUS_FLAGS,
  host: { type: 'string' },
  port: { type: 'string' },
  'max-client-batch-size': { type: 'string' },
  'max-concurrent-requests': { type: 'string' },
  'payload-limit': { type: 'string' },
  'auto-truncate': { type: 'string' },
  'max-length': { type: 'string' },
  'query-max-length': { type: 'string' },
  'batch-size': { type: 'string' },
  'max-batch-texts': { type: 'string' },
  'cors-allow-origin': { type: 'string', multiple: true },
  dtype: { type: 'string' },
  ...BACKEND_FLAGS,
} as const;

const DTYPE_NAMES: Record<string, string> = { f32: 'float32', f16: 'float16', int8: 'int8' };

export const command: Command = {
  usage,
  async run(args) {
    const { values: v } = parseCommandArgs(args, SERVE_FLAGS);
    if (v.model === undefined) throw new UsageError('--model DIR|REPO_ID is required');
    const port = wholeNumber('port', v.port, { min: 0, max: 65535 }) ?? 3000;
    const host = v.host ?? '127.0.0.1';
    const maxLength = wholeNumber('max-length', v['max-length'], { min: 2 });
    const queryMaxLength = wholeNumber('query-max-length', v['query-max-length'], { min: 2 });
    const batchSize = wholeNumber('batch-size', v['batch-size'], { min: 1 });
    const handlerOptions = {
      modelId: v.model,
      modelDtype: v.dtype === undefined ? 'as stored' : DTYPE_NAMES[v.dtype] ?? v.dtype,
      maxClientBatchSize: wholeNumber('max-client-batch-size', v['max-client-batch-size'], { min: 1 }) ?? 32,
      maxConcurrentRequests: wholeNumber('max-concurrent-requests', v['max-concurrent-requests'], { min: 1 }) ?? 512,
      payloadLimit: wholeNumber('payload-limit', v['payload-limit'], { min: 1 }) ?? 2_000_000,
      autoTruncate: (oneOf('auto-truncate', v['auto-truncate'], ['true', 'false']) ?? 'true') === 'true',
      maxBatchTexts: wholeNumber('max-batch-texts', v['max-batch-texts'], { min: 1 }) ?? 64,
      corsAllowOrigin: v['cors-allow-origin'] ?? [],
      ...(batchSize !== undefined ? { batchSize } : {}),
      onError: (error: unknown) => process.stderr.write(`splade serve: ${error instanceof Error ? error.message : String(error)}\n`),
    };
    const corpus = corpusSettings(v);
    if (corpus && v.index === undefined) throw new UsageError("--corpus needs --index: the texts are those of the index's documents");
    // The address, the index and the corpus first: a port in use or a missing or broken file
    // should not cost a model's load.
    await checkListenable({ host, port });
    const index = v.index === undefined ? undefined : await openIndexFile(v.index);
    const texts = corpus && (await CorpusTexts.open(corpus.path, corpus.options));
    if (index && texts) process.stderr.write(missingTextsNote(index, texts) ?? '');
    try {
      const encoder = await SpladeEncoder.fromPretrained(v.model, {
        ...(v['query-model'] ? { queryModel: v['query-model'] } : {}),
        ...backendOptionsFromFlags(v),
        ...dtypeOption(v.dtype),
        ...(maxLength !== undefined ? { maxLength } : {}),
        ...(queryMaxLength !== undefined ? { queryMaxLength } : {}),
      });
      try {
        const options = { ...handlerOptions, ...(index ? { index } : {}), ...(texts ? { documentTexts: texts } : {}) };
        return await serveUntilStopped(encoder, options, { host, port, model: v.model, routes: routesLine(index, texts) });
      } finally {
        encoder.dispose();
      }
    } finally {
      await texts?.close();
    }
  },
};

/** Listens until SIGINT or SIGTERM, then lets the requests in flight finish; returns the exit status. */
async function serveUntilStopped(encoder: SpladeEncoder, options: SpladeHandlerOptions, at: { host: string; port: number; model: string; routes: string }): Promise<number> {
  const handler = createSpladeHandler(encoder, options);
  const server = await listen(handler, { host: at.host, port: at.port });
  process.stderr.write(`splade serve: listening on ${server.url} (${at.model}, ${encoder.backendInfo.name}): ${at.routes}\n`);
  const signal = await stopSignal();
  await server.close();
  // Connections still busy after the grace period were cut, but an encode may still run:
  // disposing the encoder under it would stop its worker threads mid-pass.
  await handler.idle();
  process.stderr.write(`splade serve: stopped (${signal})\n`);
  return 0;
}

/** The routes served, for the listening line. */
function routesLine(index: SparseIndex | undefined, texts: CorpusTexts | undefined): string {
  const search = index ? `, POST /search (${index.docCount} documents${texts ? `, with their texts from ${texts.path}` : ''})` : '';
  return `POST /embed_sparse, POST /vertex, POST /tokenize, POST /decode${search}, GET /info, GET /health`;
}

/**
 * A note when some of the index's documents are not in the corpus, told at start rather than
 * with each request: their hits will have "text": null, and most often the corpus is another
 * than the index's. Not an error: a corpus may leave documents out on purpose.
 */
function missingTextsNote(index: SparseIndex, texts: CorpusTexts): string | undefined {
  let missing = 0;
  for (let doc = 0; doc < index.docCount; doc++) if (!texts.has(index.docId(doc))) missing++;
  if (missing === 0) return undefined;
  const which = missing === 1 ? `1 of the index's ${index.docCount} documents is not in ${texts.path}: its hits' "text" is null` : `${missing} of the index's ${index.docCount} documents are not in ${texts.path}: their hits' "text" is null`;
  return `note: ${which} (is it the corpus the index was built from?)\n`;
}

/** Resolves with the first SIGINT or SIGTERM. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
