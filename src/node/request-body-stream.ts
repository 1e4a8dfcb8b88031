// A node:http request's body as the web ReadableStream a web-standard handler reads
// (http-server.ts), and what becomes of the part it leaves. Not Readable.toWeb's stream:
// cancelling that destroys the request and its socket, so a client that writes its whole body
// before it reads the answer (Python's http.client, curl) got a connection reset in place of
// the 413 that refused the body. Here a body the handler leaves, cut short or never read (413,
// 429), is read and thrown away once the answer is sent, for a while, as nginx's lingering
// close does; then the connection is cut.
import type { IncomingMessage } from 'node:http';

/** How long the rest of a body the handler left may take to arrive, thrown away, after the answer. */
const DISCARD_MS = 10_000;

/** The body, read from the socket as the handler pulls it (memory: one chunk ahead at most). */
export function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  // Paused before the 'data' listener is added, which would otherwise start the flow at once.
  req.pause();
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => {
        if (!settled) controller.close();
        settled = true;
      });
      // The client gone mid-upload: Node's "aborted" (ECONNRESET), which the handler answers 400.
      req.once('error', (error) => {
        if (!settled) controller.error(error);
        settled = true;
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      settled = true;
    },
  });
}

/**
 * Once the answer is sent: the rest of a body the handler did not read to its end is read and
 * dropped, so that a client still writing it gets to read the answer; a body that has not
 * ended after DISCARD_MS (a client sending gigabytes, or stalled) has its connection cut.
 */
export function discardRest(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  req.removeAllListeners('data');
  const cut = setTimeout(() => req.socket.destroy(), DISCARD_MS);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
  req.once('close', () => clearTimeout(cut));
  req.resume();
}
