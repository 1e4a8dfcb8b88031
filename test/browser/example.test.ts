// The example page (examples/browser/) in headless chromium: open a model folder, type text,
// encode in the Worker, see the SPLADE terms as bars with the time and the backend; on the CPU
// and on gpu.js WebGL2 (in the Worker, through OffscreenCanvas). A screenshot after the encode
// must show the terms (not a blank page); it is kept for a look when SPLADE_SCREENSHOT is set.
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSuite } from './harness.js';
import { distinctColours } from './png.js';
import { tempDir } from '../foundation/tmp.js';
import { writeRouterFolder } from '../helpers/sparse-encoder-folders.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const MODEL = fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url));
// The same model as a sentence-transformers Router folder (a query route of its own, unused here).
const ROUTER = join(tempDir('browser-example'), 'router');
const vocabSize = (JSON.parse(readFileSync(join(MODEL, 'config.json'), 'utf8')) as { vocab_size: number }).vocab_size;
await writeRouterFolder(ROUTER, MODEL, { pooling_strategy: 'max', activation_function: 'relu' }, new Float32Array(vocabSize).fill(1));

browserSuite(
  'browser/example',
  { bundleAt: '/dist/browser/', mounts: { '/examples/': EXAMPLES, '/models/f32/': MODEL } },
  (it, chrome) => {
    it('the example page loads a model from a URL, showing the download, and from the cache after a reload', async () => {
      const page = await chrome.browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const loadFromUrl = async (): Promise<string[]> => {
        await page.goto(`${chrome.origin}/examples/browser/index.html`);
        // Every status line shown, as the page shows them (the progress lines pass quickly).
        await page.evaluate(`window.seen = []; new MutationObserver(() => seen.push(document.getElementById('status').textContent))
          .observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true })`);
        await page.fill('#url', '/models/f32/');
        await page.selectOption('#backend', 'cpu');
        await page.click('#load');
        await page.waitForFunction(`/loaded|Could not/.test(document.getElementById('status').textContent)`, undefined, { timeout: 60_000 });
        return (await page.evaluate('window.seen')) as string[];
      };
      const first = await loadFromUrl();
      assert.match(first.at(-1) ?? '', /^Model loaded in \d+ ms on /, first.join('\n'));
      assert.ok(first.includes('Loading the model… model.safetensors: 100% of 0.1 MB'), first.join('\n'));
      const again = await loadFromUrl();
      assert.ok(again.includes('Loading the model… model.safetensors: from the cache'), again.join('\n'));
      assert.equal(errors, []);
      await page.close();
    });

    for (const backend of ['cpu', 'gpu:webgl2']) {
      it(`the example page encodes a picked model folder in its Worker on ${backend}`, async () => {
        const page = await chrome.browser.newPage({ viewport: { width: 820, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${chrome.origin}/examples/browser/index.html`);
        await page.setInputFiles('#folder', MODEL);
        await page.selectOption('#backend', backend);
        await page.click('#load');
        await page.waitForFunction(`/loaded|Could not/.test(document.getElementById('status').textContent)`, undefined, { timeout: 60_000 });
        const loaded = await page.textContent('#status');
        assert.match(loaded ?? '', /Model loaded in \d+ ms on /, loaded ?? '');
        await page.fill('#text', 'The Manhattan Project and its atomic bomb');
        await page.click('#encode');
        await page.waitForFunction(`/Encoded|Could not/.test(document.getElementById('status').textContent)`, undefined, { timeout: 60_000 });
        const status = (await page.textContent('#status')) ?? '';
        const expected = backend === 'cpu' ? /on cpu/ : /on gpu\.js webgl2/;
        assert.match(status, /^Encoded in \d+ ms on .*: \d+ active terms, the top \d+ shown\.$/, status);
        assert.match(status, expected, status);
        const bars = await page.$$eval('#terms li', (items) => items.map((item) => (item.querySelector('.bar') as HTMLElement).getBoundingClientRect().width));
        assert.ok(bars.length >= 10, `${bars.length} terms shown`);
        assert.ok(bars[0] > 100 && bars.every((w) => w > 0), `bar widths ${bars.slice(0, 5).join(', ')}`);
        const shot = await page.screenshot({ fullPage: true });
        if (process.env.SPLADE_SCREENSHOT) writeFileSync(`${process.env.SPLADE_SCREENSHOT}-${backend.replace(':', '-')}.png`, shot);
        const colours = distinctColours(shot);
        assert.ok(colours > 50, `the screenshot has only ${colours} colours: blank?`);
        assert.equal(errors, []);
        await page.close();
      });
    }

    it('the example page loads a sentence-transformers Router folder (its MLM in a module folder)', async () => {
      const page = await chrome.browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${chrome.origin}/examples/browser/index.html`);
      await page.setInputFiles('#folder', ROUTER);
      await page.selectOption('#backend', 'cpu');
      await page.click('#load');
      await page.waitForFunction(`/loaded|Could not/.test(document.getElementById('status').textContent)`, undefined, { timeout: 60_000 });
      const loaded = (await page.textContent('#status')) ?? '';
      assert.match(loaded, /Model loaded in \d+ ms on /, loaded);
      await page.fill('#text', 'The Manhattan Project and its atomic bomb');
      await page.click('#encode');
      await page.waitForFunction(`/Encoded|Could not/.test(document.getElementById('status').textContent)`, undefined, { timeout: 60_000 });
      const status = (await page.textContent('#status')) ?? '';
      assert.match(status, /^Encoded in \d+ ms on .*: \d+ active terms/, status);
      assert.equal(errors, []);
      await page.close();
    });
  },
);
