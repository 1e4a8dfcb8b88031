// What can go wrong talking to the hub, each with a message that says what to do next.
import { HubError } from '../../io/hub-repo.js';

// One family with the browser-safe hub errors of src/io/hub-repo.ts (repo ids, listings).
export { HubError };

/** The repository does not exist, or is private and the token (if any) cannot see it. */
export class RepoNotFoundError extends HubError {}

/** The revision (branch, tag or commit) does not exist in the repository. */
export class RevisionNotFoundError extends HubError {}

/** 401/403: a gated or private repository, or a token without access. */
export class HubAuthError extends HubError {}

/** The repository exists but the file is not in it. */
export class HubFileMissingError extends HubError {}

/** The endpoint could not be reached at all (no network, DNS failure, refused, timed out). */
export class HubUnreachableError extends HubError {}

/** A downloaded file's bytes do not match the size or hash the hub published. */
export class ChecksumMismatchError extends HubError {}

/** Any other unexpected HTTP answer (5xx after retries, a malformed response). */
export class HubHttpError extends HubError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
