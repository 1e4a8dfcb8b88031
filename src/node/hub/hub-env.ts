// The environment variables huggingface_hub reads, read the same way here: where the hub is
// (HF_ENDPOINT), who is asking (HF_TOKEN, or the token file `huggingface-cli login` wrote),
// and where Python keeps its files (HF_HOME).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SpladeError } from '../../errors.js';
import type { HubConnection } from './http.js';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** Environment variables the download reads (process.env fits). */
export type HubEnv = Readonly<Record<string, string | undefined>>;

/** A bad value of HF_ENDPOINT. */
export class HubConfigError extends SpladeError {}

/** `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
export function hfHomeDir(env: HubEnv, home: string = homedir()): string {
  return env.HF_HOME || join(env.XDG_CACHE_HOME || join(home, '.cache'), 'huggingface');
}

/**
 * The token: `HF_TOKEN`, else the legacy `HUGGING_FACE_HUB_TOKEN`, else the file
 * `huggingface-cli login` writes (`HF_TOKEN_PATH`, default `<HF_HOME>/token`).
 */
export function tokenFromEnv(env: HubEnv, home?: string): string | undefined {
  const fromVariable = env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim();
  if (fromVariable) return fromVariable;
  try {
    return readFileSync(env.HF_TOKEN_PATH || join(hfHomeDir(env, home), 'token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The endpoint (`HF_ENDPOINT`, default https://huggingface.co) and the token. */
export function hubConnectionFromEnv(env: HubEnv, options: { stallTimeoutMs?: number; home?: string } = {}): HubConnection {
  const endpoint = (env.HF_ENDPOINT?.trim() || DEFAULT_ENDPOINT).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HubConfigError(`HF_ENDPOINT '${endpoint}' is not a URL (expected e.g. https://huggingface.co)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HubConfigError(`HF_ENDPOINT '${endpoint}' is not an http(s) URL`);
  }
  return { endpoint, token: tokenFromEnv(env, options.home), stallTimeoutMs: options.stallTimeoutMs ?? 30_000 };
}
