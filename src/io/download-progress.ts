// Reading a model file's HTTP body as it arrives: into one buffer of Content-Length bytes when
// the length is known (a 438 MB checkpoint is never held twice), telling a progress callback
// after every chunk, and refusing a body that is not as long as the server said.
import { ModelFilesError } from './model-files-error.js';

/** One step of a model file's download (the `onProgress` option of fromPretrained and urlModelFiles). */
export interface DownloadProgress {
  /** The file's name inside the model folder, e.g. `model.safetensors`. */
  readonly file: string;
  /** The URL requested (before any redirect: on the hub, the `resolve` URL). */
  readonly url: string;
  /** Bytes read so far; on the final event, the whole file. */
  readonly loaded: number;
  /** The file's size from Content-Length; undefined when the server sent none (or sent it compressed). */
  readonly total: number | undefined;
  /** True on the last event of a file, which every file read over HTTP gets once, even from the cache. */
  readonly done: boolean;
  /** The bytes come from the persistent cache (the server answered 304 Not Modified, or could not be reached). */
  readonly fromCache: boolean;
  /** On the last event: what went wrong with the persistent cache for this file, if anything (the load went on without it). */
  readonly note?: string;
}

/** The callback that receives DownloadProgress events. */
export type ProgressCallback = (event: DownloadProgress) => void;

/** Which file a body belongs to, and who hears of its progress. */
export interface BodySource {
  readonly file: string;
  readonly url: string;
  readonly fromCache: boolean;
  readonly onProgress?: ProgressCallback;
}

/**
 * The length the body must have: Content-Length, unless the body is compressed (then the header
 * counts the compressed bytes) or the encoding is hidden from us. A cross-origin (CORS)
 * response shows Content-Length but not Content-Encoding unless the server exposes it, so there
 * the header is only the progress events' total, as transformers.js uses it.
 */
function declaredLength(response: Response): { total: number | undefined; exact: boolean } {
  const header = response.headers.get('Content-Length');
  const length = header !== null && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
  const encoding = response.headers.get('Content-Encoding');
  if (length === undefined || (encoding !== null && encoding.trim().toLowerCase() !== 'identity')) {
    return { total: undefined, exact: false };
  }
  return { total: length, exact: response.type !== 'cors' && response.type !== 'opaque' };
}

/** A body read whole, and the total its progress events gave (undefined where it was not the body's size). */
export interface ReadBody {
  readonly bytes: Uint8Array;
  readonly total: number | undefined;
}

/**
 * The whole body of `response`, read chunk by chunk with its stream reader, `source.onProgress`
 * told after each chunk (`done: false`; the caller sends the last event, once the file is
 * cached or not).
 * @throws ModelFilesError naming the URL when the body is longer or shorter than its exact
 *   Content-Length, or the connection fails part-way
 */
export async function readBody(response: Response, source: BodySource): Promise<ReadBody> {
  const { total, exact } = declaredLength(response);
  let reported = total;
  const tell = (loaded: number): void => {
    // A body longer than a length that was not exact (compressed): the total was not its size.
    if (reported !== undefined && loaded > reported) reported = undefined;
    source.onProgress?.({ file: source.file, url: source.url, loaded, total: reported, done: false, fromCache: source.fromCache });
  };
  // Content-Length sizes the buffer even where it is not exact (a cross-origin response, as the
  // hub's CDN sends): the chunks are copied in as they arrive, not kept to be joined at the end.
  let buffer = total !== undefined ? new Uint8Array(total) : undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const next = reader ? await reader.read() : { done: true as const, value: undefined };
      if (next.done) break;
      const chunk = next.value;
      if (buffer && loaded + chunk.length > buffer.length) {
        if (exact) throw new ModelFilesError(`${source.url}: the body is longer than its Content-Length (${buffer.length} bytes)`);
        // The header was not the body's size (a hidden Content-Encoding): collect chunks from here.
        chunks.push(buffer.subarray(0, loaded));
        buffer = undefined;
      }
      if (buffer) buffer.set(chunk, loaded);
      else chunks.push(chunk);
      loaded += chunk.length;
      tell(loaded);
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    if (error instanceof ModelFilesError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new ModelFilesError(`${source.url}: the download failed after ${loaded} bytes: ${why}`, { cause: error });
  }
  if (!buffer) return { bytes: joinChunks(chunks, loaded), total: reported };
  if (loaded === buffer.length) return { bytes: buffer, total: reported };
  if (exact) throw new ModelFilesError(`${source.url}: the body ended after ${loaded} of its ${buffer.length} bytes (Content-Length)`);
  return { bytes: buffer.slice(0, loaded), total: reported };
}

function joinChunks(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
