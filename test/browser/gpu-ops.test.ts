// The gpu.js backend's ops in headless chromium (SwiftShader software rendering): WebGL2,
// and WebGPU when chromium offers an adapter, each checked against the CPU reference on the
// same random shapes as the Node (webasm) test. The test output says which modes ran.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import type { OpCheck } from '../tensor/gpu-op-cases.js';
import {
  browserTests,
  buildBundle,
  buildTestEntry,
  bundlePage,
  cleanUp,
  launchChromium,
  openBundlePage,
  runInPage,
  StaticServer,
} from './harness.js';

const OPS_ENTRY = fileURLToPath(new URL('./entries/ops.ts', import.meta.url));

browserTests(
  'browser/gpu-ops',
  (it) => {
    let bundle: Awaited<ReturnType<typeof buildBundle>>;
    let server: StaticServer;
    let chrome: Awaited<ReturnType<typeof launchChromium>>;
    let modes: string[] = [];

    it('setup: bundle the op checks, serve them, launch chromium', async () => {
      bundle = await buildBundle();
      await buildTestEntry(OPS_ENTRY, bundle.dir, 'ops');
      server = await StaticServer.start({ '/dist/': bundle.dir }, { '/ops.html': bundlePage('/dist/ops.js') });
      chrome = await launchChromium();
      const { page } = await openBundlePage(chrome.browser, `${server.origin}/ops.html`);
      modes = await runInPage<string[]>(page, `async (ops) => ops.availableGpuModes(await ops.loadGpuJs())`);
      await page.close();
      console.log(`browser/gpu-ops: gpu.js modes chromium offers here: ${modes.join(', ')}`);
      assert.ok(modes.includes('webgl2'), `webgl2 missing from ${modes.join(', ')}`);
    });

    for (const mode of ['webgl2', 'webgpu']) {
      it(`every op on ${mode} matches the reference CPU backend`, async () => {
        if (!modes.includes(mode)) {
          console.log(`browser/gpu-ops: ${mode} not offered by chromium here: not checked`);
          return;
        }
        const { page, errors } = await openBundlePage(chrome.browser, `${server.origin}/ops.html`);
        const results = await runInPage<OpCheck[]>(
          page,
          `async (ops, mode) => {
            const backend = await ops.GpuBackend.create({ mode });
            try {
              const results = await ops.checkBackendOps(backend, new ops.ReferenceBackend(), 11, 3);
              results.push(await ops.checkLargeVocabulary(backend, new ops.ReferenceBackend()));
              return results;
            }
            finally { backend.dispose(); }
          }`,
          mode,
        );
        await page.close();
        console.log(`browser/gpu-ops: ${mode}: ${results.filter((r) => r.ok).length}/${results.length} op checks within tolerance`);
        assert.ok(results.length > 40);
        assert.equal(results.filter((r) => !r.ok).map((r) => `${r.op} (${r.shape}): ${r.maxError} > ${r.tolerance}`), []);
        assert.equal(errors, []);
      });
    }

    it('webgl2 passes the model\'s backend conformance check', async () => {
      const { page } = await openBundlePage(chrome.browser, `${server.origin}/ops.html`);
      const failures = await runInPage<string[]>(page, `async (ops) => {
        const backend = await ops.GpuBackend.create({ mode: 'webgl2' });
        try { return await ops.checkBackendConformance(backend); } finally { backend.dispose(); }
      }`);
      await page.close();
      assert.equal(failures, []);
    });

    it('the SwiftShader modes are recognised as software rendering', async () => {
      const { page } = await openBundlePage(chrome.browser, `${server.origin}/ops.html`);
      const software = await runInPage<Record<string, boolean>>(page, `async (ops) => ({
        webgl2: await ops.isSoftwareMode('webgl2'),
        webgpu: await ops.isSoftwareMode('webgpu'),
      })`);
      await page.close();
      assert.equal(software, { webgl2: true, webgpu: true });
    });

    it('teardown', async () => {
      await cleanUp(chrome?.close, () => server?.close(), bundle?.dispose);
    });
  },
  test,
);

test.run();
