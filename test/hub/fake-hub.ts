// A local stand-in for the Hugging Face hub on 127.0.0.1 (ephemeral ports), answering the way
// the real one does: the model info API with `siblings`, `resolve` serving git files directly
// and LFS files with a 302 to a CDN path plus X-Linked-Etag / X-Linked-Size / X-Repo-Commit,
// HTTP Range, 401/403 with X-Error-Code. Faults can be switched on per test. It answers at
// most `maxRequests` requests and closes itself after a minute whatever happens.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { randomBytes } from '../../tools/random.js';

export interface FakeFile {
  readonly content: Uint8Array;
  /** Stored in LFS (weights): served through the CDN redirect, listed with lfs.sha256. */
  readonly lfs?: boolean;
  /** Publish this sha256 instead of the real one (a corrupt upload, or a lying mirror). */
  readonly publishedSha256?: string;
}

export interface FakeRepo {
  readonly files: Readonly<Record<string, FakeFile>>;
  /** Downloads need `Authorization: Bearer <token>` with the hub's token. */
  readonly gated?: boolean;
  readonly commit?: string;
}

/**
 * A repository holding every file under the folder `dir` (weights, `.safetensors` and
 * `.onnx`, through LFS); `change` edits the files (path inside the folder to content) first.
 */
export function servedFolder(dir: string, change: (files: Record<string, string | Uint8Array>) => void = () => {}): FakeRepo {
  const files: Record<string, string | Uint8Array> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = new Uint8Array(readFileSync(path));
    }
  };
  walk(dir);
  change(files);
  return {
    files: Object.fromEntries(Object.entries(files).map(([path, content]) => [path, typeof content === 'string'
      ? { content: text(content) } : { content, lfs: /\.(safetensors|onnx)$/.test(path) }])),
  };
}

export interface RecordedRequest {
  readonly server: 'hub' | 'cdn';
  readonly path: string;
  readonly authorization?: string;
  readonly range?: string;
}

export interface Faults {
  /** Per file name: cut the connection after this many body bytes, `times` times. */
  drop: Map<string, { afterBytes: number; times: number }>;
  /** Per file name: send this many body bytes, then nothing more (a stalled connection). */
  stall: Map<string, { afterBytes: number; times: number }>;
  /** Answer Range requests with the whole file (200), as some mirrors do. */
  ignoreRange: boolean;
}

export interface FakeHub {
  /** Use as HF_ENDPOINT. */
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  readonly faults: Faults;
  close(): Promise<void>;
}

export interface FakeHubOptions {
  /** The token that opens gated repositories. */
  readonly token?: string;
  /** 'other': the CDN is a second server (another origin), as on the real hub. */
  readonly cdn?: 'same' | 'other';
  readonly maxRequests?: number;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const gitBlobId = (bytes: Uint8Array) =>
  createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/** A repeatable 40-hex commit id for a repo. */
export function fakeCommit(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** Starts the fake hub (and its CDN) with these repositories, keyed `owner/name`. */
export async function startFakeHub(repos: Record<string, FakeRepo>, options: FakeHubOptions = {}): Promise<FakeHub> {
  const requests: RecordedRequest[] = [];
  const faults: Faults = { drop: new Map(), stall: new Map(), ignoreRange: false };
  const maxRequests = options.maxRequests ?? 300;
  const blobs = new Map<string, { name: string; content: Uint8Array }>();
  for (const repo of Object.values(repos)) {
    for (const [name, file] of Object.entries(repo.files)) if (file.lfs) blobs.set(sha256(file.content), { name, content: file.content });
  }
  const commitOf = (id: string) => repos[id]?.commit ?? fakeCommit(id);

  const hub = createServer();
  const cdn = options.cdn === 'other' ? createServer() : hub;
  const endpoint = await listen(hub);
  const cdnOrigin = cdn === hub ? endpoint : await listen(cdn);

  const record = (server: 'hub' | 'cdn', req: IncomingMessage) =>
    requests.push({
      server,
      path: req.url ?? '',
      authorization: req.headers.authorization,
      range: req.headers.range,
    });
  const fail = (res: ServerResponse, status: number, code: string, message = code) => {
    res.writeHead(status, { 'x-error-code': code, 'x-error-message': message, 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: message }));
  };

  function serveBytes(req: IncomingMessage, res: ServerResponse, name: string, content: Uint8Array, headers: Record<string, string>) {
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && !faults.ignoreRange) {
      start = Number(range[1]);
      if (start >= content.length) {
        res.writeHead(416, { 'content-range': `bytes */${content.length}` });
        res.end();
        return;
      }
      status = 206;
      headers = { ...headers, 'content-range': `bytes ${start}-${content.length - 1}/${content.length}` };
    }
    const body = content.subarray(start);
    res.writeHead(status, { ...headers, 'content-length': String(body.length), 'accept-ranges': 'bytes' });
    const drop = faults.drop.get(name);
    if (drop && drop.times > 0 && drop.afterBytes < body.length) {
      drop.times--;
      // Send part of the body, then cut the connection as a flaky network would.
      res.write(body.subarray(0, drop.afterBytes), () => setTimeout(() => res.socket?.destroy(), 5));
      return;
    }
    const stall = faults.stall.get(name);
    if (stall && stall.times > 0 && stall.afterBytes < body.length) {
      stall.times--;
      res.write(body.subarray(0, stall.afterBytes)); // and never end: close() cuts it
      return;
    }
    res.end(body);
  }

  function onHub(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', endpoint);
    const auth = req.headers.authorization;
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (info) {
      const [, id, rev] = info as unknown as [string, string, string];
      const repo = repos[id];
      if (!repo) return fail(res, auth ? 404 : 401, 'RepoNotFound', 'Repository not found');
      const revision = decodeURIComponent(rev);
      if (revision !== 'main' && revision !== commitOf(id)) return fail(res, 404, 'RevisionNotFound', 'Invalid rev id');
      const siblings = Object.entries(repo.files).map(([name, file]) => ({
        rfilename: name,
        blobId: file.lfs ? gitBlobId(new TextEncoder().encode('pointer ' + name)) : gitBlobId(file.content),
        size: file.content.length,
        ...(file.lfs ? { lfs: { sha256: file.publishedSha256 ?? sha256(file.content), size: file.content.length, pointerSize: 134 } } : {}),
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ _id: 'x', id, modelId: id, sha: commitOf(id), private: false, gated: repo.gated ? 'auto' : false, siblings }));
      return;
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve) {
      const [, id, rev, rawName] = resolve as unknown as [string, string, string, string];
      const repo = repos[id];
      if (!repo) return fail(res, 401, 'RepoNotFound', 'Repository not found');
      if (repo.gated && auth !== `Bearer ${options.token}`) {
        return fail(res, auth ? 403 : 401, 'GatedRepo', 'Access to this model is restricted');
      }
      const revision = decodeURIComponent(rev);
      if (revision !== 'main' && revision !== commitOf(id)) return fail(res, 404, 'RevisionNotFound', 'Invalid rev id');
      const name = decodeURIComponent(rawName);
      const file = repo.files[name];
      if (!file) return fail(res, 404, 'EntryNotFound', 'Entry not found');
      const common = { 'x-repo-commit': commitOf(id) };
      if (file.lfs) {
        const hash = sha256(file.content);
        res.writeHead(302, {
          ...common,
          location: `${cdnOrigin}/cdn/${hash}?X-Amz-Signature=fake`,
          'x-linked-etag': `"${file.publishedSha256 ?? hash}"`,
          'x-linked-size': String(file.content.length),
          etag: `"${gitBlobId(new TextEncoder().encode('pointer ' + name))}"`,
        });
        res.end();
        return;
      }
      return serveBytes(req, res, name, file.content, { ...common, etag: `"${gitBlobId(file.content)}"` });
    }
    if (cdn === hub && url.pathname.startsWith('/cdn/')) return onCdn(req, res);
    fail(res, 404, 'NotFound');
  }

  function onCdn(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', cdnOrigin);
    const blob = blobs.get(url.pathname.replace('/cdn/', ''));
    if (!blob) return fail(res, 404, 'NoSuchKey');
    serveBytes(req, res, blob.name, blob.content, {});
  }

  const guard = (server: 'hub' | 'cdn', handler: typeof onHub) => (req: IncomingMessage, res: ServerResponse) => {
    record(server, req);
    if (requests.length > maxRequests) return fail(res, 503, 'TooManyRequests', 'fake hub request limit reached');
    handler(req, res);
  };
  hub.on('request', guard('hub', onHub));
  if (cdn !== hub) cdn.on('request', guard('cdn', onCdn));

  const close = async () => {
    for (const server of new Set([hub, cdn])) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
  setTimeout(() => void close().catch(() => {}), 60_000).unref();
  return { endpoint, requests, faults, close };
}

/** Deterministic pseudo-random bytes (tools/random.ts), so test files need no fixtures. */
export function bytes(length: number, seed = 1): Uint8Array {
  return randomBytes(length, seed);
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
