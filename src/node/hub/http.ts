// One GET against the hub, the way huggingface_hub does it: redirects followed by hand so the
// hub's own headers on the 302 (X-Linked-Etag, X-Linked-Size, X-Repo-Commit) are kept and the
// token never leaves the hub's origin; HTTP failures turned into errors that say what to do.
import { VERSION } from '../../version.js';
import {
  HubAuthError,
  HubError,
  HubFileMissingError,
  HubHttpError,
  HubUnreachableError,
  RepoNotFoundError,
  RevisionNotFoundError,
} from './errors.js';

/** Where the hub is and who is asking. */
export interface HubConnection {
  /** Base URL without a trailing slash, e.g. `https://huggingface.co`. */
  readonly endpoint: string;
  /** Sent as `Authorization: Bearer` to the endpoint's origin only. */
  readonly token?: string;
  /** Abort a request that receives nothing for this long (connecting included). */
  readonly stallTimeoutMs: number;
}

/** What a GET was for, so an error can name it. */
export interface RequestContext {
  readonly repo: string;
  readonly revision: string;
  /** Set for a file download, absent for the model info API. */
  readonly file?: string;
}

/** A successful answer, with the headers of the hub's own (first) response. */
export interface HubAnswer {
  readonly response: Response;
  /** Headers of the first response, the hub's: on an LFS file, its 302 carries X-Linked-*. */
  readonly hubHeaders: Headers;
  /** Restarts the no-progress timer; call on every chunk read from the body. */
  readonly kick: () => void;
  /** Stops the no-progress timer; call when done with the body. */
  readonly done: () => void;
}

const MAX_REDIRECTS = 10;

/** Thrown for failures worth another try: a 5xx, a 429, a connection lost after it was made. */
export class RetryableError extends HubError {}

/** Whether an error from fetch() means the network failed (as opposed to a bug). */
function networkCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'timed out';
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  return error instanceof TypeError ? error.message : undefined;
}

/**
 * GETs `url` (on the hub's endpoint), following redirects. Resolves only to a 200 or 206;
 * every other outcome throws a HubError subclass. A failure to connect at all throws
 * HubUnreachableError naming the endpoint.
 */
export async function hubGet(
  connection: HubConnection,
  url: string,
  context: RequestContext,
  extraHeaders: Record<string, string> = {},
): Promise<HubAnswer> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), connection.stallTimeoutMs);
    timer.unref();
  };
  const done = () => clearTimeout(timer);
  kick();
  const endpointOrigin = new URL(connection.endpoint).origin;
  let current = new URL(url);
  let hubHeaders: Headers | undefined;
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { 'user-agent': `splade-ts/${VERSION}`, ...extraHeaders };
      // Like huggingface_hub: the token goes to the hub only, never to the CDN it redirects to.
      if (connection.token && current.origin === endpointOrigin) headers.authorization = `Bearer ${connection.token}`;
      let response: Response;
      try {
        response = await fetch(current, { headers, redirect: 'manual', signal: controller.signal });
      } catch (error) {
        const code = networkCode(error);
        if (code === undefined) throw error;
        if (current.origin === endpointOrigin) {
          throw new HubUnreachableError(
            `could not reach the Hugging Face hub at ${connection.endpoint} (${code}) while fetching ${describe(context)}; ` +
              'check the network, or set HF_ENDPOINT to a reachable mirror',
            { cause: error },
          );
        }
        throw new RetryableError(`download of ${describe(context)} from ${current.origin} failed (${code})`, { cause: error });
      }
      kick();
      hubHeaders ??= response.headers;
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        current = new URL(location, current);
        continue;
      }
      if (response.status === 200 || response.status === 206) return { response, hubHeaders, kick, done };
      await response.body?.cancel();
      throw statusError(response, context, connection);
    }
    throw new HubHttpError(`${describe(context)}: more than ${MAX_REDIRECTS} redirects`, 310);
  } catch (error) {
    done();
    throw error;
  }
}

function describe(context: RequestContext): string {
  return context.file
    ? `'${context.file}' of ${context.repo} (revision ${context.revision})`
    : `the file list of ${context.repo} (revision ${context.revision})`;
}

/** Turns a non-2xx answer into the error a user can act on (mirrors huggingface_hub's mapping). */
function statusError(response: Response, context: RequestContext, connection: HubConnection): HubError {
  const code = response.headers.get('x-error-code');
  const status = response.status;
  const { repo, revision, file } = context;
  if (status === 401 && connection.token && /invalid credentials/i.test(response.headers.get('x-error-message') ?? '')) {
    return new HubAuthError(`the hub at ${connection.endpoint} rejected the token in HF_TOKEN as invalid; set a valid one or unset it`);
  }
  const tokenHint = connection.token
    ? 'the token in HF_TOKEN does not grant access to it; check it at https://huggingface.co/settings/tokens'
    : 'if it is private or gated, set HF_TOKEN to an access token (https://huggingface.co/settings/tokens)';
  if (code === 'RepoNotFound' || (status === 401 && !file && code !== 'GatedRepo')) {
    return new RepoNotFoundError(`repository ${repo} not found on ${connection.endpoint}: check the spelling; ${tokenHint}`);
  }
  if (code === 'RevisionNotFound') {
    return new RevisionNotFoundError(`repository ${repo} has no revision '${revision}' (a branch, tag or commit)`);
  }
  if (code === 'EntryNotFound' || (status === 404 && file)) {
    return new HubFileMissingError(`${repo} (revision ${revision}) has no file '${file ?? '?'}'`);
  }
  if (status === 404) {
    return new RepoNotFoundError(`repository ${repo} not found on ${connection.endpoint}: check the spelling; ${tokenHint}`);
  }
  if (status === 401 || status === 403 || code === 'GatedRepo') {
    const gated = code === 'GatedRepo' ? ' is gated:' : ' refused access:';
    const what = connection.token
      ? ' the token in HF_TOKEN has no access; accept the model\'s terms on its hub page with that account, or use a token that has access'
      : ' set HF_TOKEN to an access token (https://huggingface.co/settings/tokens) of an account that accepted its terms';
    return new HubAuthError(`${repo}${gated} HTTP ${status} for ${describe(context)};${what}`);
  }
  if (status === 429 || status >= 500) {
    return new RetryableError(`the hub answered HTTP ${status} for ${describe(context)}`);
  }
  return new HubHttpError(`the hub answered HTTP ${status} for ${describe(context)}`, status);
}

/** `https://hub/{repo}/resolve/{commit}/{file}` with each part escaped as huggingface_hub does. */
export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}

/** `https://hub/api/models/{repo}/revision/{revision}?blobs=true`. */
export function modelInfoUrl(endpoint: string, repo: string, revision: string): string {
  return `${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
}
