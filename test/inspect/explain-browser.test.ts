// `splade explain`'s report in headless Chromium (the one Chromium harness,
// test/browser/harness.ts): the page renders from disk with no request beyond its own file,
// its charts have one bar per shown term and one cell per token pair, the layer selector
// redraws the heatmap, and a screenshot is not blank. Skips, saying why, when Chromium is absent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as assert from 'uvu/assert';
import { command as explain } from '../../src/cli/commands/explain.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import { writeRandomBertFolder } from '../../tools/generate-model.js';
import { browserSuite } from '../browser/harness.js';

const TEXT = 'The Manhattan Project and its atomic bomb helped bring an end to World War II.';
const TOP_K = 12;

// The report is a file: nothing to build or serve.
browserSuite('explain report in headless Chromium', { bundle: false }, (it, chrome) => {
  it('the report renders: bars, heatmap cells, selectors, a non-blank screenshot, no network', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'splade-explain-browser-'));
    try {
      await checkReport(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function checkReport(dir: string): Promise<void> {
    const model = join(dir, 'model');
    await writeRandomBertFolder(model, { layers: 3, hidden: 32, heads: 4, intermediate: 64, maxPositions: 64, vocab: 2000, seed: 7 });
    const report = join(dir, 'report.html');
    const quiet = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.is(await explain.run(['--model', model, '--text', TEXT, '--out', report, '--top-k', String(TOP_K)]), 0);
    } finally {
      process.stderr.write = quiet;
    }
    // Expected sizes from other code paths: the tokenizer and the fused SPLADE pooling.
    const encoder = await SpladeEncoder.fromPretrained(model);
    const seq = encoder.tokenizer!.encode(TEXT).ids.length;
    const [vector] = await encoder.encode([TEXT]);
    const bars = Math.min(TOP_K, vector.indices.length);
    const ids = new Set(encoder.tokenizer!.encode(TEXT).ids);
    const heaviest = [...vector.indices].map((id, i) => [id, vector.values[i]] as const).sort((a, b) => b[1] - a[1]).slice(0, TOP_K);
    const originals = heaviest.filter(([id]) => ids.has(id)).length;
    const ids1 = encoder.tokenizer!.encode(TEXT).ids;
    const forward = await encoder.model.forward(
      { batch: 1, seq, inputIds: Int32Array.from(ids1), attentionMask: new Uint8Array(seq).fill(1), tokenTypeIds: new Int32Array(seq) },
      { outputAttentions: true },
    );
    const attention1 = forward.attentions![1];
    assert.ok(bars > 0, 'the random model activates some terms');

    const context = await chrome.browser.newContext({ viewport: { width: 1200, height: 900 } });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
      const url = pathToFileURL(report).href;
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
      assert.equal(errors, [], 'no script errors');
      assert.equal(requests, [url], 'the page loads nothing but itself');

      assert.is(await page.locator('[data-role="token"]').count(), seq);
      assert.is(await page.locator('[data-role="term-bar"]').count(), bars);
      assert.is(await page.locator('[data-role="term-bar"].original').count(), originals, 'words of the text told apart');
      assert.is(await page.locator('[data-role="term-bar"].expansion').count(), bars - originals, 'expansions told apart');
      assert.is(await page.locator('[data-role="cell"]').count(), seq * seq);
      assert.is(await page.locator('[data-role="layer-select"] option').count(), 3);
      assert.is(await page.locator('[data-role="head-select"] option').count(), 4 + 1, 'four heads and their mean');
      assert.match(await page.locator('[data-role="summary"]').innerText(), new RegExp(`${seq} tokens → ${vector.indices.length} SPLADE terms`));
      // Every bar names the token its weight comes from; the first is selected and explained.
      assert.match(await page.locator('[data-role="term-bar"] .from').first().innerText(), /^from .+ \(\d+\)$/);
      assert.match(await page.locator('#term-detail').innerText(), /gets weight \d+\.\d\d from token \d+/);

      const fills = (): Promise<string[]> => page.locator('[data-role="cell"]').evaluateAll((cells) => cells.map((c) => c.getAttribute('fill') ?? ''));
      const layer0 = await fills();
      assert.ok(layer0.every((fill) => /^rgb\(\d+,\d+,255\)$/.test(fill)), 'every cell is coloured');
      await page.selectOption('[data-role="layer-select"]', '2');
      const layer2 = await fills();
      assert.not.equal(layer2, layer0, 'another layer draws another heatmap');
      await page.selectOption('[data-role="head-select"]', 'mean');
      const mean = await fills();
      assert.not.equal(mean, layer2, 'the mean of the heads is drawn');
      assert.ok(mean.every((fill) => /^rgb\(\d+,\d+,255\)$/.test(fill)));

      // Cells are [query row][key column] of the chosen layer and head, as the model returns them.
      await page.selectOption('[data-role="layer-select"]', '1');
      await page.selectOption('[data-role="head-select"]', '2');
      const titles = await page.locator('[data-role="cell"] title').allTextContents();
      const q = 1;
      for (let k = 0; k < seq; k++) {
        const shown = Number(/: ([0-9.]+)$/.exec(titles[q * seq + k])![1]);
        const expected = attention1.data[(2 * seq + q) * seq + k];
        assert.ok(Math.abs(shown - expected) <= 0.0005 + 1e-7, `layer 1 head 2 cell [${q}][${k}]: ${shown} vs ${expected}`);
      }

      const png = await page.screenshot({ fullPage: true });
      writeFileSync(join(process.env.SPLADE_SCREENSHOT_DIR ?? dir, 'explain-report.png'), png);
      // Decode the screenshot in the browser and count what is on it.
      const blank = await context.newPage();
      const stats = await blank.evaluate(async (dataUrl) => {
        const image = new Image();
        image.src = dataUrl;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        const pixels = context.getImageData(0, 0, image.width, image.height).data;
        const colours = new Set<number>();
        let inked = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
          if (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240) inked++;
        }
        return { colours: colours.size, inked: inked / (pixels.length / 4) };
      }, `data:image/png;base64,${png.toString('base64')}`);
      assert.ok(stats.colours > 50, `the screenshot has ${stats.colours} colours`);
      assert.ok(stats.inked > 0.03, `the screenshot has ${(stats.inked * 100).toFixed(1)}% non-white pixels`);
    } finally {
      await context.close();
    }
  }
});
