// The browser bundle loads in headless chromium, in a page and in a module Worker, with and
// without cross-origin isolation, and its core file carries no gpu.js.
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../src/index.js';
import { browserSuite, bundlePage, runInPage } from './harness.js';

const WORKER = `import * as splade from './splade.js';
  self.onmessage = () => self.postMessage({ version: splade.VERSION, hasDocument: typeof document !== 'undefined' });`;

browserSuite(
  'browser/bundle',
  { files: { 'test-worker.js': WORKER }, pages: { '/index.html': bundlePage('/dist/splade.js') } },
  (it, chrome) => {
    it('the core bundle (the entry and the chunks it imports statically) contains no gpu.js', () => {
      const seen = new Set<string>();
      const visit = (file: string): void => {
        if (seen.has(file)) return;
        seen.add(file);
        const text = readFileSync(join(chrome.bundleDir, file), 'utf8');
        assert.not.match(text, /gpu\.js Team|GPU Accelerated JavaScript|\bnew Function\s*\(|\beval\s*\(/, file);
        // Static imports only: `import ... from "./chunks/x.js"`, `import "./chunks/x.js"`
        // (dynamic ones are `import("...")`).
        for (const [, path] of text.matchAll(/(?:^|[;\n])\s*(?:import|export)\s*(?:[^;("]*?from\s*)?"\.\/([^"]+)"/g)) {
          visit(join(file, '..', path));
        }
      };
      visit('splade.js');
      assert.ok(seen.size > 1, `the core's files: ${[...seen].join(', ')}`);
      assert.ok(readdirSync(join(chrome.bundleDir, 'chunks')).some((f) => f.startsWith('gpu-browser')), 'gpu.js is in its own chunk');
    });

    it('the bundle loads in a page and exports the API', async () => {
      const { page, errors } = await chrome.open('/index.html');
      const result = await runInPage<{ version: string; tensorSize: number }>(
        page,
        `async (splade) => ({ version: splade.VERSION, tensorSize: new splade.Tensor([2, 3]).size })`,
      );
      assert.is(result.version, VERSION);
      assert.is(result.tensorSize, 6);
      assert.equal(errors, []);
      await page.close();
    });

    it('the bundle loads in a module Worker', async () => {
      const { page } = await chrome.open('/index.html');
      const result = await runInPage<{ version: string; hasDocument: boolean }>(
        page,
        `async () => new Promise((done, fail) => {
          const worker = new Worker('/dist/test-worker.js', { type: 'module' });
          worker.onmessage = (event) => { done(event.data); worker.terminate(); };
          worker.onerror = (event) => fail(new Error(event.message));
          worker.postMessage(null);
        })`,
      );
      assert.equal(result, { version: VERSION, hasDocument: false });
      await page.close();
    });

    it('a cross-origin isolated page has SharedArrayBuffer', async () => {
      const { page } = await chrome.open('/coi/index.html');
      const isolated = await runInPage<boolean>(page, `async () => self.crossOriginIsolated && typeof SharedArrayBuffer === 'function'`);
      assert.is(isolated, true);
      await page.close();
    });
  },
);
