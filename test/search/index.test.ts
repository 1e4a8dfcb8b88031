// The index file and its searcher through the API: round trips, exactness of both search
// paths against brute force (float32 and u8, many equal scores), bounded-memory builds, and
// a clear error for every kind of damaged file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DuplicateIdError, IndexBuildError, IndexBuilder, IndexFormatError, QueryError, SparseIndex, buildIndex, memoryRunStorage, memorySink,
  type RunStorage,
} from '../../src/search/index.js';
import { HEADER_SIZE, SECTION_NAMES, decodeHeader } from '../../src/search/index-format.js';
import { crc32 } from '../../src/search/crc32.js';
import { takeVectors, type SparseDoc } from '../../tools/sparse-corpus.js';
import { mulberry32 } from '../../tools/random.js';
import { bruteForce, type Doc } from './brute-force.js';
import * as zlib from 'node:zlib';

const asDocs = (docs: SparseDoc[]): Array<{ id: string; vector: SparseDoc }> => docs.map((d) => ({ id: d.id, vector: d }));

test('CRC-32 agrees with zlib (whole and in pieces) and with the standard check value', () => {
  assert.is(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const random = mulberry32(1);
  const bytes = Uint8Array.from({ length: 10_007 }, () => Math.floor(random() * 256));
  const zlibCrc = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
  if (zlibCrc) assert.is(crc32(bytes), zlibCrc(bytes));
  assert.is(crc32(bytes.subarray(3001), crc32(bytes.subarray(0, 3001))), crc32(bytes));
});

test('round trip: header counts, ids and every posting list come back as built', async () => {
  const docs = takeVectors(300, { seed: 1, vocab: 500, minTerms: 1, maxTerms: 40 });
  const bytes = await buildIndex(asDocs(docs), { blockSize: 8 });
  const index = SparseIndex.open(bytes);
  assert.is(index.docCount, 300);
  assert.is(index.postingCount, docs.reduce((n, d) => n + d.indices.length, 0));
  assert.is(index.impactType, 'float32');
  assert.is(index.docId(0), 'doc0');
  assert.is(index.docId(299), 'doc299');
  const expected = new Map<number, Array<[number, number]>>();
  docs.forEach((d, n) => d.indices.forEach((t, k) => expected.set(t, [...(expected.get(t) ?? []), [n, d.values[k]]])));
  for (let t = 0; t < index.vocabSize; t++) {
    const { docs: got, weights } = index.postings(t);
    assert.equal([...got].map((d, k) => [d, weights[k]]), expected.get(t) ?? [], `term ${t}`);
  }
});

test('ids are UTF-8 text; an empty document still takes its number', async () => {
  const empty = { indices: new Uint32Array(0), values: new Float32Array(0) };
  const one = { indices: Uint32Array.of(3), values: Float32Array.of(1.5) };
  const index = SparseIndex.open(await buildIndex([{ id: 'ключ 🔑', vector: empty }, { id: '', vector: one }]));
  assert.is(index.docId(0), 'ключ 🔑');
  assert.is(index.docId(1), '');
  assert.equal(index.search({ indices: Uint32Array.of(3), values: Float32Array.of(2) }), [{ doc: 1, id: '', score: 3 }]);
});

test('an index of no documents opens and finds nothing', async () => {
  const index = SparseIndex.open(await buildIndex([]));
  assert.is(index.docCount, 0);
  assert.equal(index.search({ indices: Uint32Array.of(1), values: Float32Array.of(1) }), []);
});

test('a vocabulary size larger than any term used (or no documents at all) is kept', async () => {
  const none = SparseIndex.open(await buildIndex([], { vocabSize: 30522 }));
  assert.is(none.vocabSize, 30522);
  const few = SparseIndex.open(await buildIndex([{ id: 'a', vector: { indices: Uint32Array.of(3), values: Float32Array.of(1) } }], { vocabSize: 5000 }));
  assert.is(few.vocabSize, 5000);
  assert.equal(few.search({ indices: Uint32Array.of(3, 4999), values: Float32Array.of(2, 1) }), [{ doc: 0, id: 'a', score: 2 }]);
});

/** Checks both search paths against brute force for `queries`, at several k. */
function assertExact(index: SparseIndex, stored: Doc[], queries: Doc[], ks: number[]): void {
  for (const [q, query] of queries.entries()) {
    const vector = { indices: Uint32Array.from(query.indices), values: Float32Array.from(query.values) };
    for (const k of ks) {
      const expected = bruteForce(stored, query, k);
      assert.equal(index.searchDocs(vector, { topK: k }), expected, `pruned, query ${q}, k ${k}`);
      assert.equal(index.searchDocs(vector, { topK: k, pruning: false }), expected, `exhaustive, query ${q}, k ${k}`);
    }
  }
}

test('float32: pruned and exhaustive search equal brute force, scores to the bit', async () => {
  const docs = takeVectors(4000, { seed: 2, vocab: 2000, minTerms: 5, maxTerms: 60 });
  const queries = takeVectors(25, { seed: 3, vocab: 2000, minTerms: 1, maxTerms: 30 }, 'q');
  const index = SparseIndex.open(await buildIndex(asDocs(docs), { blockSize: 16 }));
  assertExact(index, docs, queries, [1, 10, 100, 5000]);
});

test('many equal scores: ties go to the document indexed first, in both paths', async () => {
  // Weights from {0.25, 0.5, 0.75} over a small vocabulary: thousands of exact ties.
  const docs = takeVectors(3000, { seed: 4, vocab: 60, minTerms: 1, maxTerms: 6, weightLevels: 3 });
  const queries = takeVectors(20, { seed: 5, vocab: 60, minTerms: 1, maxTerms: 4, weightLevels: 2 }, 'q');
  const index = SparseIndex.open(await buildIndex(asDocs(docs), { blockSize: 4 }));
  const top = index.searchDocs(queries[0], { topK: 50 });
  assert.ok(top.some((hit, k) => k > 0 && hit.score === top[k - 1].score), 'the example has ties');
  assertExact(index, docs, queries, [1, 7, 50, 400]);
});

test('u8: one byte a posting, weights within scale/2, search exact on the stored weights', async () => {
  const docs = takeVectors(3000, { seed: 6, vocab: 1500, minTerms: 5, maxTerms: 50 });
  const queries = takeVectors(20, { seed: 7, vocab: 1500, minTerms: 1, maxTerms: 25 }, 'q');
  const f32 = await buildIndex(asDocs(docs));
  const u8 = await buildIndex(asDocs(docs), { impacts: 'u8' });
  const postings = docs.reduce((n, d) => n + d.indices.length, 0);
  // Three bytes a posting fewer, less the padding of the u8 section to 4 bytes.
  assert.ok(f32.length - u8.length <= 3 * postings && f32.length - u8.length >= 3 * postings - 3, `${f32.length} vs ${u8.length}`);
  const index = SparseIndex.open(u8);
  assert.is(index.impactType, 'u8');
  const max = Math.max(...docs.map((d) => Math.max(...d.values)));
  const scale = index.header.scale;
  assert.is(scale, Math.fround(max / 255));
  // The stored weights the brute force uses: decoded from the index, checked against the input.
  const stored: Doc[] = docs.map((d) => ({ indices: d.indices, values: new Float64Array(d.indices.length) }));
  for (let t = 0; t < index.vocabSize; t++) {
    const { docs: ds, weights } = index.postings(t);
    ds.forEach((n, k) => {
      const pos = Array.prototype.indexOf.call(docs[n].indices, t) as number;
      const original = docs[n].values[pos];
      assert.ok(Math.abs(weights[k] - original) <= scale / 2 + 1e-7 || (original < scale / 2 && weights[k] === scale), `term ${t} doc ${n}: ${weights[k]} for ${original}`);
      (stored[n].values as Float64Array)[pos] = weights[k];
    });
  }
  assertExact(index, stored, queries, [1, 10, 100]);
});

test('u8: a corpus of tiny weights (max/255 below the smallest float32) still gets a positive scale', async () => {
  const vector = (w: number): { indices: Uint32Array; values: Float32Array } => ({ indices: Uint32Array.of(1), values: Float32Array.of(w) });
  const index = SparseIndex.open(await buildIndex([{ id: 'a', vector: vector(1e-44) }, { id: 'b', vector: vector(3e-45) }], { impacts: 'u8' }));
  assert.ok(index.header.scale > 0);
  assert.equal(index.search(vector(1)).map((hit) => hit.id), ['a', 'b']);
});

test('bounded memory: a build spilled in many small runs writes the same bytes as one run', async () => {
  const docs = takeVectors(1500, { seed: 8, vocab: 3000, minTerms: 1, maxTerms: 80 });
  const one = await buildIndex(asDocs(docs));
  const builder = new IndexBuilder({ runPostings: 997 });
  for (const d of docs) await builder.add(d.id, d);
  let sink: ReturnType<typeof memorySink> | undefined;
  const stats = await builder.finish((n) => (sink = memorySink(n)));
  assert.ok(stats.runs > 50, `${stats.runs} runs`);
  assert.equal(sink!.bytes, one);
});

test('abort waits for the runs still being finished, so that dispose removes them all', async () => {
  // A spilled run's writer.finish() (the file closed, then opened for reading) is not awaited
  // by add(): an abort right after a spill disposed of the storage first, and the reader opened
  // afterwards was left open (a file handle closed only by the garbage collector).
  const events: string[] = [];
  const memory = memoryRunStorage();
  const storage: RunStorage = {
    async create() {
      const writer = await memory.create();
      return {
        write: (bytes) => writer.write(bytes),
        async finish() {
          await new Promise((resolve) => setTimeout(resolve, 20));
          events.push('run finished');
          return writer.finish();
        },
      };
    },
    async dispose() {
      events.push('disposed');
    },
  };
  const builder = new IndexBuilder({ runPostings: 4, runs: storage });
  // b's postings do not fit beside a's: a's run is spilled, its finish() left running.
  await builder.add('a', { indices: Uint32Array.of(1, 2, 3), values: Float32Array.of(1, 1, 1) });
  await builder.add('b', { indices: Uint32Array.of(1, 2), values: Float32Array.of(1, 1) });
  await builder.abort();
  assert.equal(events, ['run finished', 'disposed']);
});

test('builder refuses bad documents, naming the document and position', async () => {
  const builder = new IndexBuilder({ vocabSize: 100 });
  await builder.add('a', { indices: Uint32Array.of(1, 5), values: Float32Array.of(1, 2) });
  const cases: Array<[string, { indices: Uint32Array; values: Float32Array }, RegExp]> = [
    ['a', { indices: Uint32Array.of(1), values: Float32Array.of(1) }, /document id "a" appears twice/],
    ['b', { indices: Uint32Array.of(1, 2), values: Float32Array.of(1, -2) }, /document "b", position 1: weight -2 is not a positive finite number/],
    ['c', { indices: Uint32Array.of(1, 2), values: Float32Array.of(NaN, 1) }, /document "c", position 0: weight NaN/],
    ['d', { indices: Uint32Array.of(5, 2), values: Float32Array.of(1, 1) }, /position 1: term ids must be ascending and distinct \(5 then 2\)/],
    ['e', { indices: Uint32Array.of(100), values: Float32Array.of(1) }, /term id 100 is not below the vocabulary size 100/],
    // UTF-8 cannot hold a lone surrogate: it would be stored as U+FFFD, another id (and the same
    // for '\udc00').
    ['f\ud800', { indices: Uint32Array.of(1), values: Float32Array.of(1) }, /document id "f\\ud800" is not well-formed Unicode \(a lone surrogate at position 1\)/],
  ];
  for (const [id, vector, message] of cases) {
    try {
      await builder.add(id, vector);
      assert.unreachable(`accepted ${id}`);
    } catch (error) {
      assert.instance(error, IndexBuildError);
      assert.match((error as Error).message, message);
    }
  }
  assert.is(builder.documents, 1, 'refused documents are not added');
});

test('a repeated id is a DuplicateIdError naming both documents, however far apart; ids are compared exactly', async () => {
  const one = { indices: Uint32Array.of(1), values: Float32Array.of(1) };
  const builder = new IndexBuilder();
  const count = 5000;
  for (let k = 0; k < count; k++) await builder.add(`d${k}`, one);
  for (const distinct of ['D0', 'd0 ', 'caf\u00e9', 'cafe\u0301']) await builder.add(distinct, one);
  const cases: Array<[string, number]> = [['d0', 0], [`d${count - 1}`, count - 1], ['cafe\u0301', count + 3]];
  for (const [id, first] of cases) {
    try {
      await builder.add(id, one);
      assert.unreachable(`accepted ${id}`);
    } catch (error) {
      assert.instance(error, DuplicateIdError);
      assert.instance(error, IndexBuildError);
      const { id: repeated, first: at, document } = error as DuplicateIdError;
      assert.equal([repeated, at, document], [id, first, count + 4]);
      assert.match((error as Error).message, `document id ${JSON.stringify(id)} appears twice: document ${first} and again document ${count + 4}`);
    }
  }
  assert.is(builder.documents, count + 4);
});

test('a refused repeat leaves the index as it was: its weights and terms count for nothing', async () => {
  const docs = [
    { id: 'a', vector: { indices: Uint32Array.of(1, 2), values: Float32Array.of(1, 2) } },
    { id: 'b', vector: { indices: Uint32Array.of(2), values: Float32Array.of(3) } },
  ];
  const builder = new IndexBuilder({ impacts: 'u8' });
  for (const { id, vector } of docs) await builder.add(id, vector);
  // A larger weight would change the u8 scale, a larger term the vocabulary size.
  const refused = await builder.add('a', { indices: Uint32Array.of(7), values: Float32Array.of(100) }).then(() => undefined, (error: unknown) => error);
  assert.instance(refused, DuplicateIdError);
  let sink: ReturnType<typeof memorySink> | undefined;
  await builder.finish((length) => (sink = memorySink(length)));
  assert.equal(sink!.bytes, await buildIndex(docs, { impacts: 'u8' }));
});

test('queries: negative or unsorted weights are refused; zero weights and unknown terms ignored', async () => {
  const index = SparseIndex.open(await buildIndex([{ id: 'x', vector: { indices: Uint32Array.of(2, 4), values: Float32Array.of(1, 2) } }]));
  assert.throws(() => index.search({ indices: Uint32Array.of(2), values: Float32Array.of(-1) }), (e: Error) => e instanceof QueryError && /weight -1/.test(e.message));
  assert.throws(() => index.search({ indices: Uint32Array.of(4, 2), values: Float32Array.of(1, 1) }), (e: Error) => e instanceof QueryError && /ascending/.test(e.message));
  assert.equal(index.search({ indices: Uint32Array.of(2, 4, 999), values: Float32Array.of(0, 3, 5) }), [{ doc: 0, id: 'x', score: 6 }]);
});

// ---- damaged files ------------------------------------------------------------------------

async function sampleIndex(): Promise<Uint8Array> {
  return buildIndex(asDocs(takeVectors(200, { seed: 9, vocab: 300, minTerms: 1, maxTerms: 20 })), { blockSize: 8 });
}

function openError(bytes: Uint8Array): string {
  try {
    SparseIndex.open(bytes);
  } catch (error) {
    assert.instance(error, IndexFormatError);
    return (error as Error).message;
  }
  assert.unreachable('a damaged file opened');
  return '';
}

/** Rewrites the header checksum after an edit (to reach the checks behind it). */
function resealHeader(bytes: Uint8Array): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(248, crc32(bytes.subarray(0, 248)), true);
}

test('truncated files: the error says truncated and gives both sizes', async () => {
  const bytes = await sampleIndex();
  for (const keep of [0, 10, HEADER_SIZE - 1]) assert.match(openError(bytes.slice(0, keep)), /shorter than the 256-byte header: truncated/);
  const random = mulberry32(10);
  for (let n = 0; n < 20; n++) {
    const keep = HEADER_SIZE + Math.floor(random() * (bytes.length - HEADER_SIZE));
    assert.match(openError(bytes.slice(0, keep)), new RegExp(`truncated: ${keep} bytes of the ${bytes.length}`));
  }
  const longer = new Uint8Array(bytes.length + 4);
  longer.set(bytes);
  assert.match(openError(longer), /4 bytes after the/);
});

test('a flipped byte anywhere in a section names that section; in the header, the header', async () => {
  const bytes = await sampleIndex();
  const header = decodeHeader(bytes, bytes.length, crc32);
  for (const name of SECTION_NAMES) {
    const { offset, length } = header.sections[name];
    for (const at of [offset, offset + Math.floor(length / 2), offset + length - 1]) {
      const copy = bytes.slice();
      copy[at] ^= 0x41;
      assert.match(openError(copy), new RegExp(`index section ${name} is corrupt: checksum`), `${name} byte ${at}`);
    }
  }
  for (const at of [12, 20, 100, 247]) {
    const copy = bytes.slice();
    copy[at] ^= 0x01;
    assert.match(openError(copy), /header checksum mismatch/, `header byte ${at}`);
  }
});

test('not an index, another version, or a header that contradicts itself', async () => {
  const bytes = await sampleIndex();
  const other = bytes.slice();
  other.set(new TextEncoder().encode('PK\x03\x04'), 0);
  assert.match(openError(other), /not a splade index: the file starts with "PK/);
  const version = bytes.slice();
  new DataView(version.buffer).setUint32(8, 2, true);
  assert.match(openError(version), /index format version 2; this splade-ts reads version 1/);
  const docs = bytes.slice();
  new DataView(docs.buffer).setUint32(20, 5, true);
  resealHeader(docs);
  assert.match(openError(docs), /section docIdStarts at \d+ \(804 bytes\) where the counts put it at \d+ \(24 bytes\)/);
});

test('a file with valid checksums but a broken posting list is refused by its structure', async () => {
  // Build with the checksums of a tampered body: e.g. a posting list whose documents descend.
  const index = SparseIndex.open(await sampleIndex());
  const term = [...Array(index.vocabSize).keys()].find((t) => index.postings(t).docs.length >= 3)!;
  const bytes = await sampleIndex();
  const header = decodeHeader(bytes, bytes.length, crc32);
  const view = new DataView(bytes.buffer);
  const start = view.getUint32(header.sections.termStarts.offset + 4 * term, true);
  const docsAt = header.sections.docs.offset + 4 * start;
  const first = view.getUint32(docsAt, true);
  view.setUint32(docsAt, view.getUint32(docsAt + 4, true), true);
  view.setUint32(docsAt + 4, first, true);
  const sections = header.sections.docs;
  const crcAt = 56 + SECTION_NAMES.indexOf('docs') * 24 + 16;
  view.setUint32(crcAt, crc32(bytes.subarray(sections.offset, sections.offset + sections.length)), true);
  resealHeader(bytes);
  assert.match(openError(bytes), new RegExp(`index postings of term ${term}: documents not ascending`));
  // The quick check opens it (documented: wrong results possible, no crash).
  assert.ok(SparseIndex.open(bytes, { verify: 'quick' }));
});

/** Rewrites the checksums of every section and of the header after an edit of the body. */
function resealAll(bytes: Uint8Array): void {
  const header = decodeHeader(bytes, bytes.length, (b) => new DataView(b.buffer, b.byteOffset).getUint32(248, true));
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  SECTION_NAMES.forEach((name, k) => {
    const { offset, length } = header.sections[name];
    view.setUint32(56 + 24 * k + 16, crc32(bytes.subarray(offset, offset + length)), true);
  });
  resealHeader(bytes);
}

/** Where each term's postings start (termStarts), and the first term that has any. */
function firstTermWithPostings(view: DataView, header: ReturnType<typeof decodeHeader>): { starts: (t: number) => number; term: number } {
  const starts = (t: number): number => view.getUint32(header.sections.termStarts.offset + 4 * t, true);
  let term = 0;
  while (starts(term + 1) === starts(term)) term++;
  return { starts, term };
}

test('full verification refuses an infinite float32 impact, even with its block and term maxima to match', async () => {
  const bytes = await sampleIndex();
  const header = decodeHeader(bytes, bytes.length, crc32);
  const view = new DataView(bytes.buffer);
  // The first term with postings: its first posting, its first block, its term maximum.
  const { starts, term } = firstTermWithPostings(view, header);
  let block = 0;
  for (let t = 0; t < term; t++) block += Math.ceil((starts(t + 1) - starts(t)) / header.blockSize);
  view.setFloat32(header.sections.impacts.offset + 4 * starts(term), Infinity, true);
  view.setFloat32(header.sections.blockMax.offset + 4 * block, Infinity, true);
  view.setFloat32(header.sections.termMax.offset + 4 * term, Infinity, true);
  resealAll(bytes);
  assert.match(openError(bytes), new RegExp(`index postings of term ${term}: impact Infinity of document \\d+ is not a positive finite number`));
});

test('full verification refuses an id that is not UTF-8, or that starts inside another\'s character', async () => {
  const docs = [{ id: 'a', vector: { indices: Uint32Array.of(1), values: Float32Array.of(1) } }];
  const bytes = await buildIndex([...docs, { id: 'é', vector: docs[0].vector }, { id: 'b', vector: docs[0].vector }]);
  const header = decodeHeader(bytes, bytes.length, crc32);
  const idsAt = header.sections.docIdBytes.offset;
  const broken = bytes.slice();
  broken[idsAt + 3] = 0xff;
  resealAll(broken);
  assert.match(openError(broken), /index docIdBytes: the id of document 2 is not valid UTF-8/);
  // The bytes together are valid, but document 2's id starts in the middle of document 1's é.
  const split = bytes.slice();
  new DataView(split.buffer).setUint32(header.sections.docIdStarts.offset + 8, 2, true);
  resealAll(split);
  assert.match(openError(split), /index docIdBytes: the id of document 1 is not valid UTF-8/);
});

test('an unknown verify mode is refused, not taken as the quick check', async () => {
  const bytes = await sampleIndex();
  for (const verify of ['header', 'Full', 'none']) {
    assert.throws(() => SparseIndex.open(bytes, { verify: verify as 'full' }), (e: Error) => e instanceof RangeError && e.message === `verify must be 'full' or 'quick', got '${verify}'`);
  }
});

test('verify quick: a document number past the corpus gives an IndexFormatError, not a RangeError', async () => {
  const bytes = await sampleIndex();
  const header = decodeHeader(bytes, bytes.length, crc32);
  const view = new DataView(bytes.buffer);
  const { starts, term } = firstTermWithPostings(view, header);
  // The term's last posting, and its block's last document, point past the corpus.
  let block = -1;
  for (let t = 0; t <= term; t++) block += Math.ceil((starts(t + 1) - starts(t)) / header.blockSize);
  view.setUint32(header.sections.docs.offset + 4 * (starts(term + 1) - 1), header.docCount + 5, true);
  view.setUint32(header.sections.blockLast.offset + 4 * block, header.docCount + 5, true);
  resealAll(bytes);
  assert.match(openError(bytes), new RegExp(`index postings of term ${term}: document ${header.docCount + 5} is not below`));
  const index = SparseIndex.open(bytes, { verify: 'quick' });
  const query = { indices: Uint32Array.of(term), values: Float32Array.of(1) };
  // What a search of the damaged list does: an IndexFormatError naming the document, or
  // results (the exhaustive path drops a score past its array: wrong results, as documented).
  const outcome = (pruning: boolean): string => {
    try {
      index.search(query, { topK: 1000, pruning });
      return 'results';
    } catch (error) {
      const named = error instanceof IndexFormatError && error.message.includes(`document ${header.docCount + 5}`);
      return named ? 'IndexFormatError' : String(error);
    }
  };
  assert.is(outcome(true), 'IndexFormatError');
  assert.ok(['results', 'IndexFormatError'].includes(outcome(false)), outcome(false));
});

test.run();
