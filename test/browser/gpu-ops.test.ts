// The gpu.js backend's ops in headless chromium (SwiftShader software rendering): WebGL2 and
// WebGPU, each through the one op-conformance harness (test/tensor/conformance/), the same
// fixed and seeded random cases as every Node backend. The test output says which modes ran.
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { describeFailures, worstRatios, type OpCheck } from '../tensor/conformance/index.js';
import { browserSuite, bundlePage, runInPage } from './harness.js';

const OPS_ENTRY = fileURLToPath(new URL('./entries/ops.ts', import.meta.url));

browserSuite(
  'browser/gpu-ops',
  { entries: { ops: OPS_ENTRY }, pages: { '/ops.html': bundlePage('/dist/ops.js') } },
  (it, chrome) => {
    let modes: string[] = [];

    it('chromium offers webgl2 and webgpu here', async () => {
      const { page } = await chrome.open('/ops.html');
      modes = await runInPage<string[]>(page, `async (ops) => ops.availableGpuModes(await ops.loadGpuJs())`);
      await page.close();
      console.log(`browser/gpu-ops: gpu.js modes chromium offers here: ${modes.join(', ')}`);
      assert.ok(modes.includes('webgl2') && modes.includes('webgpu'), `modes offered: ${modes.join(', ')}`);
    });

    for (const mode of ['webgl2', 'webgpu']) {
      it(`every op on gpu.js ${mode} matches the reference within its bounds`, async () => {
        const { page, errors } = await chrome.open('/ops.html');
        const results = await runInPage<OpCheck[]>(
          page,
          `async (ops, mode) => {
            const backend = await ops.GpuBackend.create({ mode });
            try { return await ops.checkConformance(backend); } finally { backend.dispose(); }
          }`,
          mode,
        );
        await page.close();
        const ratios = Object.entries(worstRatios(results)).map(([op, r]) => `${op} ${r.toFixed(2)}`);
        console.log(`browser/gpu-ops: ${mode}: ${results.length} checks; worst error/bound: ${ratios.join(', ')}`);
        assert.ok(results.length > 200, `${results.length} checks`);
        assert.equal(describeFailures(results), []);
        assert.equal(errors, []);
      });
    }

    it('the SwiftShader modes are recognised as software rendering', async () => {
      const { page } = await chrome.open('/ops.html');
      const software = await runInPage<Record<string, boolean>>(page, `async (ops) => ({
        webgl2: await ops.isSoftwareMode('webgl2'),
        webgpu: await ops.isSoftwareMode('webgpu'),
      })`);
      await page.close();
      assert.equal(software, { webgl2: true, webgpu: true });
    });
  },
);
