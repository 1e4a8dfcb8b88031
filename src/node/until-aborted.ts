// Iterating a source that may wait a long time for its next item (standard input fed by a
// producer still at work) so that an abort is not held up by that wait.

/**
 * The items of `source` until `signal` is aborted: then the wait for the next item ends at
 * once with the signal's reason, instead of when the source gives one. The source is told to
 * return without being waited for (a pending read may never finish).
 */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  let stop = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => undefined);
  let finished = false;
  try {
    for (;;) {
      signal.throwIfAborted();
      const step = await Promise.race([iterator.next(), aborted]);
      if (step.done) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    if (!finished) void iterator.return?.()?.catch(() => undefined);
  }
}
