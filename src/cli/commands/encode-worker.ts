// `splade _encode-worker` (hidden): one worker process of `splade encode --workers N`.
import { runEncodeWorker } from '../../node/corpus/worker-main.js';
import type { Command } from '../command.js';

export const command: Command = {
  usage: 'splade _encode-worker is started by splade encode --workers N; it is not run by hand',
  async run() {
    await runEncodeWorker();
    return 0;
  },
};
