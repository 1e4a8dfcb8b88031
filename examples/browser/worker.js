// The encoder runs here, off the main thread. Messages in: {type: 'load', files | url,
// backend, gpuMode} and {type: 'encode', text}; out: {type: 'loaded' | 'encoded' | 'error'},
// and while a URL's files download {type: 'progress', file, loaded, total, done, fromCache}.
import { SpladeEncoder, memoryModelFiles } from '../../dist/browser/splade.js';

let encoder;

async function load({ files, url, backend, gpuMode }) {
  encoder?.dispose();
  encoder = undefined;
  let location = url;
  if (files) {
    // The picked folder's Files, keyed by their path inside it ('config.json', and in a
    // sentence-transformers Router folder 'document_0_MLMTransformer/config.json' and such).
    const byName = {};
    for (const file of files) byName[file.webkitRelativePath ? file.webkitRelativePath.split('/').slice(1).join('/') : file.name] = file;
    location = memoryModelFiles(byName, files[0]?.webkitRelativePath?.split('/')[0] || 'picked folder');
  }
  const started = performance.now();
  let told = 0;
  // A message per chunk would flood the page: at most one each 100 ms, and each file's last.
  const onProgress = (event) => {
    if (!event.done && performance.now() - told < 100) return;
    told = performance.now();
    self.postMessage({ type: 'progress', ...event });
  };
  // Files from a URL are kept in the browser's Cache Storage ('splade-ts'): a reload revalidates them.
  encoder = await SpladeEncoder.fromPretrained(location, { backend, onProgress, ...(gpuMode ? { gpuMode } : {}) });
  return { type: 'loaded', backendInfo: encoder.backendInfo.name, ms: performance.now() - started };
}

async function encode({ text, topK = 40 }) {
  if (!encoder) throw new Error('no model loaded');
  const started = performance.now();
  const [vector] = await encoder.encode([text]);
  const ms = performance.now() - started;
  return { type: 'encoded', terms: encoder.decode(vector, { topK }), active: vector.indices.length, ms, backendInfo: encoder.backendInfo.name };
}

self.onmessage = async (event) => {
  try {
    const message = event.data;
    self.postMessage(message.type === 'load' ? await load(message) : await encode(message));
  } catch (error) {
    self.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
