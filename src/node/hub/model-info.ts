// The list of a repository's files at one revision, from the hub's model info API.
import { parseModelInfo, type RepoListing } from '../../io/hub-repo.js';
import { HubHttpError } from './errors.js';
import { hubGet, modelInfoUrl, type HubConnection } from './http.js';

/** A listing of a repository with tens of thousands of files stays well under this. */
const MAX_INFO_BYTES = 64 * 1024 * 1024;

/** Asks `GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true`. */
export async function fetchRepoListing(connection: HubConnection, repo: string, revision: string): Promise<RepoListing> {
  const context = { repo, revision };
  const answer = await hubGet(connection, modelInfoUrl(connection.endpoint, repo, revision), context);
  try {
    const declared = Number(answer.response.headers.get('content-length') ?? 0);
    if (declared > MAX_INFO_BYTES) {
      throw new HubHttpError(`the model info of ${repo} is ${declared} bytes, more than a listing can be`, 200);
    }
    const text = await readBounded(answer.response, MAX_INFO_BYTES, repo);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new HubHttpError(`the model info of ${repo} from ${connection.endpoint} is not JSON`, 200);
    }
    return parseModelInfo(json);
  } finally {
    answer.done();
  }
}

/** The body as text, refusing more than `limit` bytes even when no Content-Length said so. */
async function readBounded(response: Response, limit: number, repo: string): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new HubHttpError(`the model info of ${repo} is more than ${limit} bytes, more than a listing can be`, 200);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
