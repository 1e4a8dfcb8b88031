// The runtime matrix's tokenizer check, in plain JavaScript so every runtime runs it as it is
// (Node, Bun, Deno, workerd, Chromium): load the three tokenizers from their tokenizer.json bytes
// as users do (memoryModelFiles, then the tokenizer subpath's loadTokenizer), encode every
// text of cases.json (tokenizer-cases.ts) and compare ids and offsets with what Hugging Face's
// Rust tokenizers gave for it in the test process. Runtimes differ in their Unicode support
// (normalize, \p{…} classes, case mapping, Intl.Segmenter's grapheme clusters), which is where
// a tokenizer breaks silently.

/** The files, by name, that a runner reads its own way (paths relative to the cases folder). */
export const TOKENIZER_CHECK_FILES = ['wordpiece/tokenizer.json', 'bpe/tokenizer.json', 'unigram/tokenizer.json', 'cases.json'];

/** How many mismatching texts are described in full. */
const SHOWN = 3;

/**
 * @param splade the library's root namespace (memoryModelFiles)
 * @param tokenizer the `splade-ts/tokenizer` namespace (loadTokenizer, the tokenizer classes)
 * @param files TOKENIZER_CHECK_FILES name -> Uint8Array
 * @returns per tokenizer ('wordpiece', 'bpe', 'unigram'): { texts, mismatchCount, mismatches, failures, loadMs, encodeMs }
 */
export async function tokenizerCheck(splade, tokenizer, files) {
  const cases = JSON.parse(new TextDecoder().decode(files['cases.json']));
  const classes = { wordpiece: tokenizer.BertTokenizer, bpe: tokenizer.ByteLevelBpeTokenizer, unigram: tokenizer.UnigramTokenizer };
  const results = {};
  for (const kind of Object.keys(classes)) {
    const started = performance.now();
    const model = splade.memoryModelFiles({ 'tokenizer.json': files[`${kind}/tokenizer.json`] }, kind);
    const loaded = await tokenizer.loadTokenizer(model);
    const loadMs = performance.now() - started;
    const failures = [];
    if (!(loaded instanceof classes[kind])) failures.push(`loadTokenizer gave ${loaded?.constructor?.name}, not ${classes[kind].name}`);
    if (kind === 'wordpiece' && splade.BertTokenizer !== tokenizer.BertTokenizer) failures.push('the root entry and splade-ts/tokenizer have different BertTokenizer classes');
    const { ids, offsets } = cases.expected[kind];
    const mismatches = [];
    let mismatchCount = 0;
    const encodeStarted = performance.now();
    cases.texts.forEach((text, index) => {
      const got = loaded.encode(text);
      const gotOffsets = got.offsets.flat();
      const at = firstDifference(got.ids, ids[index], gotOffsets, offsets[index]);
      if (at < 0) return;
      mismatchCount++;
      if (mismatches.length < SHOWN) mismatches.push(describe(index, cases.categories[index], text, at, got.ids, ids[index], gotOffsets, offsets[index]));
    });
    results[kind] = { texts: cases.texts.length, mismatchCount, mismatches, failures, loadMs, encodeMs: performance.now() - encodeStarted };
  }
  return results;
}

/** The first token index where ids or offsets differ, or -1. */
function firstDifference(gotIds, wantIds, gotOffsets, wantOffsets) {
  const n = Math.max(gotIds.length, wantIds.length);
  for (let k = 0; k < n; k++) {
    if (gotIds[k] !== wantIds[k] || gotOffsets[2 * k] !== wantOffsets[2 * k] || gotOffsets[2 * k + 1] !== wantOffsets[2 * k + 1]) return k;
  }
  return -1;
}

/** One mismatch: the text, its code points near the first difference, and both sides around it. */
function describe(index, category, text, at, gotIds, wantIds, gotOffsets, wantOffsets) {
  const from = Math.max(0, at - 3);
  const to = at + 8;
  const pairs = (flat) => {
    const out = [];
    for (let k = from; k < to && 2 * k < flat.length; k++) out.push(`${flat[2 * k]}-${flat[2 * k + 1]}`);
    return `from token ${from}: ${out.join(' ')}`;
  };
  const start = Math.max(0, Math.min(gotOffsets[2 * at] ?? text.length, wantOffsets[2 * at] ?? text.length) - 8);
  const codePoints = [];
  for (let i = start; i < text.length && codePoints.length < 24; ) {
    const cp = text.codePointAt(i);
    codePoints.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    i += cp > 0xffff ? 2 : 1;
  }
  return {
    index,
    category,
    text: text.length > 120 ? `${text.slice(0, 120)}…` : text,
    tokenIndex: at,
    codePoints: `from UTF-16 index ${start}: ${codePoints.join(' ')}`,
    ids: `${gotIds.length} ids, from token ${from}: ${gotIds.slice(from, to).join(' ')}`,
    expectedIds: `${wantIds.length} ids, from token ${from}: ${wantIds.slice(from, to).join(' ')}`,
    offsets: pairs(gotOffsets),
    expectedOffsets: pairs(wantOffsets),
  };
}
