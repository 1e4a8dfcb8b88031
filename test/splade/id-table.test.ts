// IdTable: each id once, found again exactly (bytes compared on a hash match), through many
// doublings, at the memory its header states.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IdTable, idHash } from '../../src/splade/id-table.js';
import { mulberry32 } from '../../tools/random.js';

test('a new id gets the next number; an equal one finds it', () => {
  const table = new IdTable();
  assert.is(table.addOrFind('d1'), -1);
  assert.is(table.addOrFind('d2'), -1);
  assert.is(table.addOrFind(''), -1);
  assert.is(table.addOrFind('d2'), 1);
  assert.is(table.addOrFind('d1'), 0);
  assert.is(table.addOrFind(''), 2);
  assert.is(table.size, 3);
});

test('ids are their UTF-8 bytes back to back, with their starts', () => {
  const ids = ['a', 'café', '文書', 'emoji 😀', ''];
  const table = new IdTable();
  for (const id of ids) assert.is(table.addOrFind(id), -1);
  const encoded = ids.map((id) => new TextEncoder().encode(id));
  assert.equal(Array.from(table.idBytes()), encoded.flatMap((bytes) => Array.from(bytes)));
  const starts = [0];
  for (const bytes of encoded) starts.push(starts[starts.length - 1] + bytes.length);
  assert.equal(Array.from(table.idStarts()), starts);
});

test('ids equal in their code points only: no Unicode normalization; a lone surrogate is not U+FFFD', () => {
  const table = new IdTable();
  assert.is(table.addOrFind('caf\u00e9'), -1);
  assert.is(table.addOrFind('cafe\u0301'), -1, 'NFD is another id than NFC');
  assert.is(table.addOrFind('x\ufffd'), -1);
  assert.is(table.addOrFind('x\ud800'), -1, 'a lone surrogate is not the replacement character');
  assert.is(table.addOrFind('x\udc00'), -1);
  assert.is(table.addOrFind('x\ud800'), 3);
  assert.is(table.addOrFind('\ud83d\ude00'), -1);
  assert.is(table.addOrFind('\ud83d'), -1, 'half of a pair is another id');
  assert.is(table.addOrFind('cafe\u0301'), 1);
});

test('two ids with the same hash stay two ids: the bytes decide', () => {
  // An FNV-1a 32-bit collision (the finalizer after it is a bijection, so it collides too).
  const [a, b] = ['doc-zqex6kcda', 'doc-1qdl04ykgv'];
  assert.is(idHash(a), idHash(b));
  const table = new IdTable();
  assert.is(table.addOrFind(a), -1);
  assert.is(table.addOrFind(b), -1);
  assert.is(table.addOrFind(b), 1);
  assert.is(table.addOrFind(a), 0);
});

test('find: an id\'s number without adding it; -1 for one never added, whose bytes stay out', () => {
  const table = new IdTable();
  for (const id of ['d1', 'café', '文書', '']) table.addOrFind(id);
  const bytes = table.idBytes().length;
  assert.equal(['d1', 'café', '文書', '', 'cafe\u0301', 'd2', 'd1 '].map((id) => table.find(id)), [0, 1, 2, 3, -1, -1, -1]);
  assert.is(table.size, 4);
  assert.is(table.idBytes().length, bytes, 'a failed find adds nothing');
  // Two ids with the same hash: the bytes decide (see the test above).
  const [a, b] = ['doc-zqex6kcda', 'doc-1qdl04ykgv'];
  table.addOrFind(b);
  assert.equal([table.find(a), table.find(b)], [-1, 4]);
});

test('200,000 ids through many doublings: each found again at its number, memory as stated', () => {
  const table = new IdTable();
  const count = 200_000;
  const random = mulberry32(7);
  const prefixes = Array.from({ length: count }, () => Math.floor(random() * 2 ** 32).toString(36));
  const id = (k: number): string => `doc-${prefixes[k]}-${k}`;
  const sizes = new Set<number>();
  let idBytes = 0;
  for (let k = 0; k < count; k++) {
    assert.is(table.addOrFind(id(k)), -1);
    idBytes += id(k).length;
    sizes.add(table.memoryBytes);
  }
  assert.ok(sizes.size >= 8, `grew ${sizes.size - 1} times`);
  for (let k = 0; k < count; k += 7) if (table.addOrFind(id(k)) !== k) assert.unreachable(`id ${k} not found at its number`);
  assert.is(table.size, count);
  // The header's bound: the bytes (at most doubled) and 27 bytes an id.
  assert.ok(table.memoryBytes <= 2 * idBytes + 27 * count + 64 * 1024, `${table.memoryBytes} bytes`);
});

test.run();
