// Serves a web-standard handler (../serve/handler.ts) with node:http. Node 20 has Request and
// Response but no server that speaks them: each request becomes a Request (its body streamed,
// so the handler's payload limit holds before a body is read whole) and the Response is
// written back. A client that goes away before its answer is written aborts the Request's
// signal, so that the handler drops the work nobody will read (splade serve's queued encodes).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpladeError } from '../errors.js';
import { bodyStream, discardRest } from './request-body-stream.js';

/** A web-standard request handler (splade-ts/serve's createSpladeHandler makes one). */
export type RequestHandler = (request: Request) => Promise<Response>;

/** A server listening, and where. */
export interface Listening {
  readonly server: Server;
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  /**
   * Stops taking requests and lets those in flight finish (idle keep-alive connections close
   * at once, and each answer from then on says `connection: close`, so a keep-alive client
   * lets its connection go); connections still open after `graceMs` (default 10 s) are cut.
   * Resolves once every connection is closed.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts serving `handler` on `host`:`port` (port 0: any free one).
 * @throws SpladeError when the address cannot be listened on (in use, not this machine's)
 */
export function listen(handler: RequestHandler, options: { readonly host: string; readonly port: number }): Promise<Listening> {
  // Once closing, each answer says `connection: close`: a keep-alive client that goes on
  // sending would otherwise hold its connection open until the grace period cut it, a request
  // of its in flight.
  let closing = false;
  const server = createServer((req, res) => void respond(handler, req, res, () => closing));
  return new Promise((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException): void => {
      const why = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EADDRNOTAVAIL' ? 'not an address of this machine' : error.message;
      reject(new SpladeError(`cannot listen on ${options.host}:${options.port}: ${why}`));
    };
    server.once('error', refused);
    server.listen(options.port, options.host, () => {
      // Only a failure to start is the caller's to hear of this way.
      server.off('error', refused);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const close = (graceMs = 10_000): Promise<void> => new Promise((done) => {
        closing = true;
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          done();
        });
        server.closeIdleConnections();
      });
      resolve({ server, url: `http://${host}:${address.port}`, close });
    });
  });
}

/**
 * Refuses, as listen does, an address that cannot be listened on (a port in use), found by
 * listening there and closing at once: a caller with a model to load first learns it before
 * the load, not a minute after. Another process may still take the port between: listen then
 * says so.
 * @throws SpladeError when the address cannot be listened on
 */
export async function checkListenable(options: { readonly host: string; readonly port: number }): Promise<void> {
  const probe = await listen(async () => new Response(null, { status: 503 }), options);
  await probe.close(0);
}

async function respond(handler: RequestHandler, req: IncomingMessage, res: ServerResponse, closing: () => boolean): Promise<void> {
  let request: Request;
  try {
    request = toRequest(req, abortedOnLeaving(res));
  } catch (error) {
    // A request Node took but a Request cannot be made of (a method fetch forbids, say).
    sendError(res, 400, 'Validation', error);
    return discardRest(req);
  }
  try {
    const response = await handler(request);
    // Read whole before the status is written: a body that fails is then a 500, not a 200
    // with the error in its place.
    const body = Buffer.from(await response.arrayBuffer());
    // Asked when the answer is written, not when the request came: close() may come between.
    if (closing()) res.setHeader('connection', 'close');
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    sendError(res, 500, 'Backend', error);
  }
  discardRest(req);
}

function sendError(res: ServerResponse, status: number, errorType: string, error: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error), error_type: errorType }));
}

/**
 * A signal aborted if the connection closes before the answer is written whole: the client
 * gone (timed out, cancelled) while the handler works. The response's 'close' comes for that
 * as for any end of the connection; its 'finish' first only for an answer written.
 */
function abortedOnLeaving(res: ServerResponse): AbortSignal {
  const client = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) client.abort();
  });
  return client.signal;
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', 'http://localhost'), {
    method: req.method,
    headers,
    signal,
    ...(hasBody ? { body: bodyStream(req), duplex: 'half' } : {}),
  });
}
