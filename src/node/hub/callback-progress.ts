// A hub download told to an `onProgress` callback (fromPretrained's option) instead of written to
// stderr: the same events a URL or a browser load gives, so one progress bar serves every entry.
import type { DownloadProgress as ProgressEvent, ProgressCallback } from '../../io/download-progress.js';
import type { DownloadProgress } from './progress.js';

/**
 * A DownloadProgress that sends `onProgress` each file's bytes as they arrive, then one event
 * with `done: true` (`fromCache: true` for a file already in place and verified, which is not
 * downloaded again). Retries and notes are not events of their own: a retry starts the file again
 * with an event whose `loaded` is where it goes on, the bytes already kept, or 0 when the server
 * answered the resume with the whole file or the kept bytes proved to be another version's (so
 * `loaded` can go back). `urlOf` names the URL a file is read from.
 */
export function callbackProgress(onProgress: ProgressCallback, urlOf: (file: string) => string): DownloadProgress {
  let current: { file: string; total: number | undefined; loaded: number } | undefined;
  const send = (event: Omit<ProgressEvent, 'url'>): void => onProgress({ ...event, url: urlOf(event.file) });
  return {
    fileStarted(name, total, resumedFrom) {
      current = { file: name, total, loaded: resumedFrom };
      send({ file: name, loaded: resumedFrom, total, done: false, fromCache: false });
    },
    received(count) {
      if (current === undefined) return;
      current.loaded += count;
      send({ file: current.file, loaded: current.loaded, total: current.total, done: false, fromCache: false });
    },
    retrying() {},
    fileDone(name, outcome, size) {
      const fromCache = outcome.startsWith('already present');
      const loaded = size ?? (current?.file === name ? current.loaded : 0);
      current = undefined;
      send({ file: name, loaded, total: size, done: true, fromCache });
    },
    note() {},
  };
}
