// How a multiply's n-panels are cut into the jobs the threads take from the queue
// (src/tensor/gemm/panel-pieces.ts): every panel in exactly one piece, in order, largest
// pieces first, none under the minimum but the whole, within the queue, a piece for every thread.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { panelPieces, type PanelRange } from '../../src/tensor/gemm/panel-pieces.js';

function assertCovers(pieces: readonly PanelRange[], nPanels: number, what: string): void {
  let at = 0;
  for (const piece of pieces) {
    assert.is(piece.start, at, `${what}: pieces contiguous`);
    assert.ok(piece.end > piece.start, `${what}: no empty piece`);
    at = piece.end;
  }
  assert.is(at, nPanels, `${what}: every panel`);
}

test('the guided cut: contiguous, largest first, no piece under the minimum, within the queue, one for every thread', () => {
  for (const nPanels of [2, 3, 7, 48, 96, 192, 1908, 3816]) {
    for (const threads of [2, 3, 4, 16, 32]) {
      for (const minPanels of [0, 1, 3, 12.5, 1000]) {
        const most = 128;
        const what = `${nPanels} panels, ${threads} threads, min ${minPanels}`;
        const pieces = panelPieces(nPanels, threads, minPanels, most);
        assertCovers(pieces, nPanels, what);
        assert.ok(pieces.length <= most, `${what}: ${pieces.length} pieces fit the queue`);
        assert.ok(pieces.length >= Math.min(threads, nPanels), `${what}: ${pieces.length} pieces for ${threads} threads`);
        const sizes = pieces.map((p) => p.end - p.start);
        // Non-increasing, but for the last piece, which takes the remainder.
        for (let i = 1; i < sizes.length - 1; i++) assert.ok(sizes[i] <= sizes[i - 1], `${what}: sizes ${sizes.join(',')} shrink`);
        const floor = Math.max(1, Math.min(Math.ceil(minPanels), Math.floor(nPanels / threads)));
        for (const size of sizes) assert.ok(size >= floor, `${what}: size ${size} under ${floor}`);
      }
    }
  }
});

test('the guided cut on the shapes of a query: a 768-wide int8 multiply on 2 threads', () => {
  // 96 panels of 8 columns, pieces of at least 5: a quarter of what is left each time, then 5s;
  // the last takes the 6 left, as a piece of 1 would be a crumb.
  const sizes = panelPieces(96, 2, 5, 128).map((p) => p.end - p.start);
  assert.equal(sizes, [24, 18, 14, 10, 8, 6, 5, 5, 6]);
});

test('a single thread or panel gets one piece; a queue too short for the cut gets larger pieces', () => {
  assert.equal(panelPieces(100, 1, 1, 128), [{ start: 0, end: 100 }]);
  assert.equal(panelPieces(1, 8, 1, 128), [{ start: 0, end: 1 }]);
  const pieces = panelPieces(4096, 32, 1, 16);
  assertCovers(pieces, 4096, 'short queue');
  assert.ok(pieces.length <= 16, `${pieces.length} pieces`);
});

test('a hand-off shared by several multiplies: room for one piece gives the whole, for none is an error (not a hang)', () => {
  assert.equal(panelPieces(96, 2, 3, 1), [{ start: 0, end: 96 }]);
  for (const most of [5, 42]) {
    const pieces = panelPieces(3816, 32, 1, most);
    assertCovers(pieces, 3816, `room for ${most}`);
    assert.ok(pieces.length <= most, `${pieces.length} pieces in room for ${most}`);
  }
  assert.throws(() => panelPieces(96, 2, 3, 0), (error: unknown) => error instanceof RangeError && /room for 0 pieces/.test(error.message));
});

test.run();
