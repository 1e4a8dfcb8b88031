// The runtime matrix's check, in plain JavaScript so every runtime runs it as it is (Node,
// Bun, Deno, workerd, Chromium): encode the PyTorch fixture test/parity/fixtures/f32 (a tiny
// BertForMaskedLM, 3 rows of fixed token ids) with the library given, and compare with the
// SPLADE vectors PyTorch wrote. Tolerances are the project's (test/parity/check-case.ts):
// weights within 1e-4 absolute, the same active terms above 1e-3.

/** The fixture's files, by name, that a runner reads its own way. */
export const FIXTURE_FILES = ['config.json', 'model.safetensors', 'vocab.txt', 'inputs.json', 'expected.safetensors'];

const ABS_TOLERANCE = 1e-4;
const ACTIVE = 1e-3;

/**
 * @param splade the library's namespace (the Node entry or the browser bundle)
 * @param files FIXTURE_FILES name -> Uint8Array
 * @param options SpladeEncoder.fromPretrained options (default options when empty)
 * @returns { failures, backendInfo (its name), backendNotes (its notes), loadMs, encodeMs }
 */
export async function parityCheck(splade, files, options = {}) {
  const started = performance.now();
  const model = splade.memoryModelFiles({
    'config.json': files['config.json'],
    'model.safetensors': files['model.safetensors'],
    'vocab.txt': files['vocab.txt'],
  }, 'fixture f32');
  const encoder = await splade.SpladeEncoder.fromPretrained(model, options);
  const loaded = performance.now();
  try {
    const inputs = JSON.parse(new TextDecoder().decode(files['inputs.json']));
    const vectors = await encoder.encodeInputIds(inputs);
    const encodeMs = performance.now() - loaded;
    const expected = readF32Tensor(files['expected.safetensors'], 'splade');
    return {
      failures: compare(vectors, expected),
      backendInfo: encoder.backendInfo.name,
      backendNotes: [...encoder.backendInfo.notes],
      loadMs: loaded - started,
      encodeMs,
    };
  } finally {
    encoder.dispose();
  }
}

/**
 * One F32 tensor of a safetensors file, read here rather than with the library under test
 * (and the front door no longer exports the reader): 8 bytes of header length (u64 LE), the
 * JSON header, then the data (offsets relative to its start).
 */
function readF32Tensor(bytes, name) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const entry = header[name];
  if (!entry || entry.dtype !== 'F32') throw new Error(`expected.safetensors: no F32 tensor '${name}'`);
  const [begin, end] = entry.data_offsets;
  const start = 8 + headerLength + begin;
  return new Float32Array(bytes.slice(start, 8 + headerLength + end).buffer);
}

function compare(vectors, expected) {
  const failures = [];
  if (vectors.length !== 3) return [`expected 3 vectors, got ${vectors.length}`];
  const vocab = expected.length / vectors.length;
  vectors.forEach((vector, row) => {
    const dense = new Float32Array(vocab);
    vector.indices.forEach((id, k) => { dense[id] = vector.values[k]; });
    for (let id = 0; id < vocab; id++) {
      const want = expected[row * vocab + id];
      if (!(Math.abs(dense[id] - want) <= ABS_TOLERANCE)) failures.push(`row ${row} term ${id}: ${dense[id]} vs torch ${want}`);
      if ((want > ACTIVE) !== (dense[id] > ACTIVE)) failures.push(`row ${row} term ${id}: active set differs`);
    }
  });
  return failures.slice(0, 10);
}

/**
 * Peak resident memory of this process in MiB: Node's process.resourceUsage().maxRSS (KiB;
 * Bun and Deno have it too, and Deno would need --allow-all for /proc/self), else /proc.
 */
export function peakRssMiB(process, readText) {
  try {
    const maxRss = process.resourceUsage?.().maxRSS;
    if (Number.isFinite(maxRss) && maxRss > 0) return maxRss / 1024;
  } catch {
    // fall through to /proc
  }
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readText('/proc/self/status'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
