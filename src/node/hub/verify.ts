// Hashes of a file on disk, streamed so a 500 MB checkpoint is never held in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex SHA-256 of the file's bytes: what the hub publishes for an LFS file. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Git's blob id: SHA-1 of `blob <size>\0` and the bytes; what the hub publishes for a git file. */
export async function gitBlobIdOfFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha1');
  hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The 64-hex SHA-256 inside an `X-Linked-Etag` (`"…"` or `W/"…"`), if that is what it holds. */
export function sha256FromEtag(etag: string | null): string | undefined {
  const value = etag?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}
