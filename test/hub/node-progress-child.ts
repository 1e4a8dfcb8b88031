// Child of node-progress.test.ts: the Node entry's fromPretrained(repo id, { onProgress }) in a
// working directory and HF_HOME of the test's own (a repo id downloads into ./weights/), printing
// the events as JSON and what reached stderr.
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { ReferenceBackend } from '../../src/tensor/reference/reference-backend.js';
import type { DownloadProgress } from '../../src/io/download-progress.js';

const [repo, endpoint, withCallback] = process.argv.slice(2);
const events: DownloadProgress[] = [];
const stderr: string[] = [];
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array): boolean => {
  stderr.push(String(chunk));
  return true;
}) as typeof process.stderr.write;
const onProgress = withCallback === 'yes' ? (event: DownloadProgress): void => void events.push(event) : undefined;
const encoder = await SpladeEncoder.fromPretrained(repo, { hubEndpoint: endpoint, backend: new ReferenceBackend(), ...(onProgress ? { onProgress } : {}) });
encoder.dispose();
process.stderr.write = write;
process.stdout.write(JSON.stringify({ events, stderr: stderr.join('') }) + '\n');
