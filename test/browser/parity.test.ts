// The PyTorch parity fixtures through the browser bundle in headless chromium: the model
// fetched from its base URL, on the CPU backend and on gpu.js WebGL2 and WebGPU (SwiftShader
// software rendering here), with the tolerances of the CPU path: SPLADE weights within 1e-4,
// the same active terms above 1e-3. Also: the model as ArrayBuffers and as Files, the
// minified bundle, and the test output says which gpu.js modes ran.
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { browserSuite, bundlePage, runInPage } from './harness.js';

const FIXTURES = fileURLToPath(new URL('../parity/fixtures/', import.meta.url));
const CASES = readdirSync(FIXTURES).sort();

/**
 * In the page: encode a fixture's inputs.json with the bundle and compare with its
 * expected.safetensors. Resolves to the failures (empty when it matches) and the backend.
 */
const CHECK_FIXTURE = `async (splade, { base, backend, gpuMode, load }) => {
  const bytes = async (name) => new Uint8Array(await (await fetch(base + name)).arrayBuffer());
  const names = ['config.json', 'model.safetensors', 'vocab.txt'];
  let location = base;
  if (load === 'buffers') {
    const files = {};
    for (const name of names) files[name] = (await bytes(name)).buffer;
    location = splade.memoryModelFiles(files, 'buffers');
  } else if (load === 'files') {
    const files = {};
    for (const name of names) files[name] = new File([await bytes(name)], name);
    location = splade.memoryModelFiles(files, 'picked files');
  }
  const options = backend === 'cpu' ? { backend: 'cpu' } : { backend: 'gpu', gpuMode };
  const encoder = await splade.SpladeEncoder.fromPretrained(location, options);
  try {
    const inputs = JSON.parse(new TextDecoder().decode(await bytes('inputs.json')));
    const vectors = await encoder.encodeInputIds(inputs);
    const expected = splade.readSafetensors(await bytes('expected.safetensors')).float32('splade');
    const vocab = expected.length / vectors.length;
    const failures = [];
    vectors.forEach((vector, row) => {
      const dense = new Float32Array(vocab);
      vector.indices.forEach((id, k) => { dense[id] = vector.values[k]; });
      for (let id = 0; id < vocab; id++) {
        const want = expected[row * vocab + id];
        const error = Math.abs(dense[id] - want);
        if (!(error <= 1e-4)) failures.push('row ' + row + ' term ' + id + ': ' + dense[id] + ' vs torch ' + want);
        if ((want > 1e-3) !== (dense[id] > 1e-3)) failures.push('row ' + row + ' term ' + id + ': active set differs');
      }
    });
    return { failures: failures.slice(0, 10), backendInfo: encoder.backendInfo.name };
  } finally {
    encoder.dispose();
  }
}`;

interface FixtureResult {
  failures: string[];
  backendInfo: string;
}

browserSuite(
  'browser/parity',
  {
    bundle: { minified: true },
    mounts: { '/fixtures/': FIXTURES },
    pages: { '/index.html': bundlePage('/dist/splade.js'), '/min.html': bundlePage('/dist/splade.min.js') },
  },
  (it, chrome) => {
    let modes: string[] = [];

    it('the gpu.js modes chromium offers here', async () => {
      const { page } = await chrome.open('/index.html');
      modes = await runInPage<string[]>(page, `async (splade) => {
        const found = [];
        for (const gpuMode of ['webgpu', 'webgl2']) {
          try { (await splade.SpladeEncoder.fromPretrained('/fixtures/single/', { backend: 'gpu', gpuMode })).dispose(); found.push(gpuMode); } catch {}
        }
        return found;
      }`);
      await page.close();
      console.log(`browser/parity: gpu.js modes in chromium here: ${modes.join(', ') || 'none'} (SwiftShader software rendering)`);
    });

    const runs: Array<{ backend: string; gpuMode?: string }> = [{ backend: 'cpu' }, { backend: 'gpu', gpuMode: 'webgl2' }, { backend: 'gpu', gpuMode: 'webgpu' }];
    for (const run of runs) {
      const label = run.gpuMode ? `gpu.js ${run.gpuMode}` : 'cpu';
      it(`every parity fixture matches PyTorch in the browser on ${label}`, async () => {
        if (run.gpuMode && !modes.includes(run.gpuMode)) {
          console.log(`browser/parity: ${run.gpuMode} not offered by chromium here: not run`);
          return;
        }
        const { page, errors } = await chrome.open('/index.html');
        for (const name of CASES) {
          const result = await runInPage<FixtureResult>(page, CHECK_FIXTURE, { base: `/fixtures/${name}/`, ...run, load: 'url' });
          assert.equal(result.failures, [], `${name} on ${label}`);
          if (run.gpuMode) assert.is(result.backendInfo, `gpu.js ${run.gpuMode}`);
        }
        console.log(`browser/parity: ${label}: ${CASES.length} fixtures match PyTorch`);
        // The loader probes for optional files (tokenizer.json, shard indexes): 404s are expected.
        assert.equal(errors.filter((e) => !/status of 404/.test(e)), []);
        await page.close();
      });
    }

    it('auto passes software renderers by: chromium here has only SwiftShader, so auto is the CPU', async () => {
      const { page } = await chrome.open('/index.html');
      const info = await runInPage<[string, string]>(page, `async (splade) => {
        const encoder = await splade.SpladeEncoder.fromPretrained('/fixtures/single/', { backend: 'auto' });
        encoder.dispose();
        const cpu = await splade.createBackend();
        splade.disposeBackend(cpu);
        return [encoder.backendInfo.name, cpu.name];
      }`);
      assert.is(info[0], info[1], 'auto is the default CPU backend');
      assert.match(info[0], /^cpu-/);
      await page.close();
    });

    it('a model as ArrayBuffers and as Files, and the minified bundle on webgl2', async () => {
      const { page } = await chrome.open('/min.html');
      for (const load of ['buffers', 'files']) {
        const result = await runInPage<FixtureResult>(page, CHECK_FIXTURE, { base: '/fixtures/f16/', backend: 'cpu', load });
        assert.equal(result.failures, [], load);
      }
      const gl = await runInPage<FixtureResult>(page, CHECK_FIXTURE, { base: '/fixtures/f32/', backend: 'gpu', gpuMode: 'webgl2', load: 'files' });
      assert.equal(gl.failures, [], 'minified bundle on webgl2');
      await page.close();
    });
  },
);
