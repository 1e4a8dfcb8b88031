// Downloads one file of a repository into a folder: bytes go to `<name>.incomplete`, a dropped
// connection resumes with an HTTP Range request, and only a file whose size and hash match
// what the hub published is renamed to its real name. A re-run resumes the `.incomplete` file.
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RepoFile } from '../../io/hub-repo.js';
import { ChecksumMismatchError, HubHttpError, HubUnreachableError } from './errors.js';
import { hubGet, resolveUrl, RetryableError, type HubAnswer, type HubConnection } from './http.js';
import type { DownloadProgress } from './progress.js';
import { gitBlobIdOfFile, sha256FromEtag, sha256OfFile } from './verify.js';

/** Where and how to download. */
export interface DownloadSettings {
  readonly connection: HubConnection;
  readonly repo: string;
  /** The revision as the user named it, for messages. */
  readonly revision: string;
  /** The commit the revision resolved to; files are fetched at it so they all match. */
  readonly commit: string;
  readonly dir: string;
  readonly progress: DownloadProgress;
  /** Tries in a row that bring no new byte before giving up. */
  readonly attempts: number;
  /** Wait before the first retry; doubles with each failure in a row. */
  readonly retryDelayMs: number;
}

export type FileOutcome = 'downloaded' | 'already present';

/** The suffix of a partial download, kept between runs so a re-run resumes it. */
export const INCOMPLETE_SUFFIX = '.incomplete';

/** What the bytes must be, learned from the listing and from the hub's headers. */
interface Expected {
  size?: number;
  sha256?: string;
  blobId?: string;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** Why `path` does not hold the expected bytes, or undefined when it does. */
async function mismatch(path: string, expected: Expected): Promise<{ what: string; got: string; want: string } | undefined> {
  const size = (await stat(path)).size;
  if (expected.size !== undefined && size !== expected.size) {
    return { what: 'size', got: `${size} bytes`, want: `${expected.size} bytes` };
  }
  if (expected.sha256) {
    const got = await sha256OfFile(path);
    return got === expected.sha256 ? undefined : { what: 'sha256', got, want: expected.sha256 };
  }
  if (expected.blobId) {
    const got = await gitBlobIdOfFile(path, size);
    return got === expected.blobId ? undefined : { what: 'git blob id', got, want: expected.blobId };
  }
  return undefined;
}

/** Downloads `file` into `settings.dir` unless a verified copy is already there. */
export async function downloadRepoFile(file: RepoFile, settings: DownloadSettings): Promise<FileOutcome> {
  const target = join(settings.dir, file.path);
  const partial = target + INCOMPLETE_SUFFIX;
  const expected: Expected = { size: file.size, sha256: file.sha256, blobId: file.blobId };
  await mkdir(dirname(target), { recursive: true });

  // A file under its real name was verified when it was renamed; checking its hash again
  // costs a read, and catches a file edited or replaced since.
  const hasHash = expected.sha256 !== undefined || expected.blobId !== undefined;
  if (hasHash && (await sizeOf(target)) !== undefined && !(await mismatch(target, expected))) {
    settings.progress.fileDone(file.path, 'already present, verified', await sizeOf(target));
    return 'already present';
  }

  const resumedFrom = (await sizeOf(partial)) ?? 0;
  await receive(file, partial, expected, settings);
  let wrong = await mismatch(partial, expected);
  if (wrong && resumedFrom > 0) {
    // The kept partial may be from another version of the file: start once from nothing.
    settings.progress.note(`${file.path}: the resumed download does not match (${wrong.what}); downloading it afresh`);
    await rm(partial, { force: true });
    await receive(file, partial, expected, settings);
    wrong = await mismatch(partial, expected);
  }
  if (wrong) {
    await rm(partial, { force: true });
    throw new ChecksumMismatchError(
      `'${file.path}' of ${settings.repo}: downloaded ${wrong.what} ${wrong.got}, but the hub published ${wrong.want}; ` +
        'the partial download was deleted, run the command again to download it afresh',
    );
  }
  await rename(partial, target);
  const checked = expected.sha256 ? ', sha256 verified' : expected.blobId ? ', git blob id verified' : '';
  settings.progress.fileDone(file.path, `downloaded${checked}`, await sizeOf(target));
  return 'downloaded';
}

/** Fills `partial` to the expected size, resuming and retrying across dropped connections. */
async function receive(file: RepoFile, partial: string, expected: Expected, settings: DownloadSettings): Promise<void> {
  const url = resolveUrl(settings.connection.endpoint, settings.repo, settings.commit, file.path);
  const context = { repo: settings.repo, revision: settings.revision, file: file.path };
  let failures = 0;
  for (;;) {
    let offset = (await sizeOf(partial)) ?? 0;
    if (expected.size !== undefined && offset > expected.size) {
      await truncate(partial, 0);
      offset = 0;
    }
    if (expected.size !== undefined && offset === expected.size && offset > 0) return;
    const counter = { bytes: 0 };
    try {
      const answer = await hubGet(settings.connection, url, context, offset > 0 ? { range: `bytes=${offset}-` } : {});
      let start: number;
      try {
        learnFromHeaders(answer, expected);
        start = startOf(answer, offset);
      } catch (error) {
        answer.done();
        await answer.response.body?.cancel().catch(() => {});
        throw error;
      }
      settings.progress.fileStarted(file.path, expected.size, start);
      await appendBody(answer, partial, start, expected, counter, file.path, settings.progress);
      const have = start + counter.bytes;
      if (expected.size === undefined) expected.size = have;
      if (have < expected.size) {
        throw new RetryableError(`connection closed after ${have} of ${expected.size} bytes`);
      }
      return;
    } catch (error) {
      if (error instanceof ChecksumMismatchError) await rm(partial, { force: true });
      const reason = retryReason(error, offset);
      if (reason === undefined) throw error;
      const restart = error instanceof RangeMismatchError || (error instanceof HubHttpError && error.status === 416);
      if (restart) await truncate(partial, 0);
      failures = counter.bytes > 0 ? 1 : failures + 1;
      if (failures >= settings.attempts) {
        throw new HubUnreachableError(
          `downloading '${file.path}' of ${settings.repo} failed ${failures} times in a row (${reason}); ` +
            `run the command again to resume from ${partial}`,
          { cause: error },
        );
      }
      settings.progress.retrying(file.path, reason, failures + 1);
      await sleep(settings.retryDelayMs * 2 ** (failures - 1));
    }
  }
}

/** Why a failed try is worth another, or undefined when it is not (a 404, a bad token, ...). */
function retryReason(error: unknown, offset: number): string | undefined {
  if (error instanceof RetryableError || error instanceof HubUnreachableError) return error.message;
  if (error instanceof HubHttpError && error.status === 416 && offset > 0) return 'the server refused the resume range';
  if (error instanceof BodyError) return error.message;
  return undefined;
}

/** Takes the size and hash from the hub's headers where the listing had none. */
function learnFromHeaders(answer: HubAnswer, expected: Expected): void {
  const headers = answer.hubHeaders;
  expected.sha256 ??= sha256FromEtag(headers.get('x-linked-etag'));
  const linkedSize = Number(headers.get('x-linked-size') ?? NaN);
  if (expected.size === undefined && Number.isSafeInteger(linkedSize) && linkedSize >= 0) expected.size = linkedSize;
  if (expected.size === undefined && answer.response.status === 200) {
    const length = Number(answer.response.headers.get('content-length') ?? NaN);
    if (Number.isSafeInteger(length) && length >= 0) expected.size = length;
  }
}

/** A 206 for another range than asked: the next try starts the file again. */
class RangeMismatchError extends RetryableError {}

/** Where the body starts: `offset` for a 206 that honoured the range, 0 for a 200. */
function startOf(answer: HubAnswer, offset: number): number {
  if (answer.response.status === 200) return 0;
  const range = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(answer.response.headers.get('content-range') ?? '');
  if (!range || Number(range[1]) !== offset) {
    throw new RangeMismatchError(`the server answered a resume at byte ${offset} with the range '${answer.response.headers.get('content-range')}'`);
  }
  return offset;
}

/** A failure while reading the body (the connection dropped, or nothing came for too long). */
class BodyError extends Error {}

/** Writes the body at `start` of `partial` (truncating it there), counting bytes as they land. */
async function appendBody(
  answer: HubAnswer,
  partial: string,
  start: number,
  expected: Expected,
  counter: { bytes: number },
  name: string,
  progress: DownloadProgress,
): Promise<void> {
  const handle = await open(partial, start === 0 ? 'w' : 'a');
  try {
    const body = answer.response.body;
    if (!body) return;
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) break;
        if (expected.size !== undefined && start + counter.bytes + chunk.length > expected.size) {
          throw new ChecksumMismatchError(
            `'${name}': the server sent more than the ${expected.size} bytes the hub published; the partial download was deleted`,
          );
        }
        await handle.write(chunk);
        counter.bytes += chunk.length;
        answer.kick();
        progress.received(chunk.length);
      }
    } catch (error) {
      reader.cancel().catch(() => {});
      if (error instanceof ChecksumMismatchError) throw error;
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      const why = error instanceof Error && error.name === 'AbortError' ? 'no data for too long' : `connection lost${typeof code === 'string' ? ` (${code})` : ''}`;
      throw new BodyError(`${why} after ${start + counter.bytes} bytes`);
    }
  } finally {
    answer.done();
    await handle.close();
  }
}
