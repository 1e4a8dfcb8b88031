// How a multiply's n-panels are cut into the jobs of one hand-off. The threads take the jobs
// from a queue in order (../wasm/shared-runner.ts), so the cut decides how evenly they finish:
// one equal share a thread leaves everyone waiting for the slowest (a thread on a busy core,
// or one reading from the other core's cache), while many tiny pieces pay a kernel call and
// a queue take each. Pieces shrinking as the work runs out (OpenMP's "guided" schedule) do
// both: each takes 1/(2·threads) of what is left, so the threads start on large pieces and
// finish on small ones, within about the smallest piece of each other.

/** The n-panels [start, end) of one job. */
export interface PanelRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The n-panels [0, nPanels) cut into contiguous pieces for `threads` threads, largest first:
 * each piece 1/(2·threads) of the panels left, none smaller than `minPanels` (the last piece
 * takes any remainder below that), at most `most` pieces (minPanels is doubled until they
 * fit). A single thread or panel gets one piece. minPanels is capped at nPanels / threads,
 * so that every thread gets a piece.
 */
export function panelPieces(nPanels: number, threads: number, minPanels: number, most: number): PanelRange[] {
  // Every cut has a piece: with no room for one, the doubling below would never end.
  if (!(most >= 1)) throw new RangeError(`panelPieces: room for ${most} pieces, need at least 1`);
  if (threads <= 1 || nPanels <= 1) return [{ start: 0, end: nPanels }];
  for (let min = Math.max(1, Math.min(Math.ceil(minPanels), Math.floor(nPanels / threads))); ; min *= 2) {
    const pieces = guidedPieces(nPanels, threads, min);
    if (pieces.length <= most) return pieces;
  }
}

/** The guided cut with pieces of at least `min` panels. */
function guidedPieces(nPanels: number, threads: number, min: number): PanelRange[] {
  const pieces: PanelRange[] = [];
  for (let start = 0; start < nPanels; ) {
    const left = nPanels - start;
    let size = Math.max(min, Math.ceil(left / (2 * threads)));
    // No crumb smaller than min at the end: the last piece takes it.
    if (left - size < min) size = left;
    pieces.push({ start, end: start + size });
    start += size;
  }
  return pieces;
}
