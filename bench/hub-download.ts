// Download throughput and verification cost of fetchModel against the local fake hub:
//   node --import tsx bench/hub-download.ts   (writes tmp/bench-hub, 200 MB)
import { startFakeHub, bytes, text } from '../test/hub/fake-hub.js';
import { fetchModel } from '../src/node/hub/fetch-model.js';
import { rmSync } from 'node:fs';
const size = 200_000_000;
const hub = await startFakeHub({ 'acme/m': { files: { 'config.json': { content: text('{}') }, 'vocab.txt': { content: text('[PAD]\n') }, 'model.safetensors': { content: bytes(size, 3), lfs: true } } } }, { cdn: 'other' });
rmSync('tmp/bench-hub', { recursive: true, force: true });
let t = performance.now();
await fetchModel('acme/m', { env: { HF_ENDPOINT: hub.endpoint, HF_TOKEN_PATH: '/nonexistent' }, outDir: 'tmp/bench-hub' });
const dl = performance.now() - t;
t = performance.now();
await fetchModel('acme/m', { env: { HF_ENDPOINT: hub.endpoint, HF_TOKEN_PATH: '/nonexistent' }, outDir: 'tmp/bench-hub' });
const rerun = performance.now() - t;
console.log(`download+verify ${(dl/1000).toFixed(2)}s (${(size/dl/1000).toFixed(0)} MB/s), re-run verify ${(rerun/1000).toFixed(2)}s`);
await hub.close();
rmSync('tmp/bench-hub', { recursive: true, force: true });
