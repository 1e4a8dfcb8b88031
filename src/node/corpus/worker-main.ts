// The worker side of `--workers N`: started by the pool as `splade _encode-worker`, it loads
// an encoder and answers each window with its vectors until its parent goes away.
import { SpladeError } from '../../errors.js';
import { localWindowEncoder } from './local-encoder.js';
import type { WindowEncoder } from './window-encoder.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

function reply(message: FromWorker): void {
  process.send?.(message);
}

/** Serves the pool on the IPC channel; resolves when the parent disconnects. */
export function runEncodeWorker(): Promise<void> {
  if (!process.send) throw new SpladeError('_encode-worker runs only as a child of splade encode --workers');
  let encoder: Promise<WindowEncoder> | undefined;
  return new Promise<void>((resolve) => {
    process.on('message', (message: ToWorker) => {
      void (async () => {
        try {
          if (message.type === 'load') {
            encoder = localWindowEncoder(message.settings);
            await encoder;
            reply({ type: 'ready' });
          } else {
            if (!encoder) throw new Error('encode before load');
            reply({ type: 'vectors', ...(await (await encoder).encode(message.texts)) });
          }
        } catch (error) {
          reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
        }
      })();
    });
    process.once('disconnect', () => {
      void encoder?.then((e) => e.close()).catch(() => undefined);
      resolve();
    });
  });
}
