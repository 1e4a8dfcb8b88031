// A .spladeidx file opened for search: typed-array views over the file's bytes (an
// ArrayBuffer or Uint8Array, from fs, fetch or a File), checked before use.
import type { SparseVector } from '../splade/sparse-vector.js';
import { SpladeError } from '../errors.js';
import { crc32 } from './crc32.js';
import { Accumulators, exhaustiveSearch } from './exhaustive.js';
import { explainDoc, type HitExplanation } from './hit-explanation.js';
import {
  IndexFormatError, SECTION_NAMES, blocksOf, decodeHeader, hex,
  type ImpactType, type IndexHeader, type SectionName,
} from './index-format.js';
import { maxScoreSearch } from './max-score.js';
import type { PreparedQuery, QueryList } from './query-lists.js';
import type { ScoredDoc } from './top-k.js';

/** A query the index cannot score (negative or non-finite weights, unsorted term ids). */
export class QueryError extends SpladeError {}

export interface OpenIndexOptions {
  /**
   * `full` (default): verify every section's checksum, the structure of every posting list
   * (sorted, in range, block metadata consistent) and that every id is UTF-8; linear in the
   * file size.
   * `quick`: the header and the section table only; a corrupt body may then give wrong results
   * (never a crash or a hang).
   */
  readonly verify?: 'full' | 'quick';
}

export interface SearchOptions {
  /** How many documents to return (default 10). */
  readonly topK?: number;
  /** Dynamic pruning (MaxScore with block-max bounds; default true). Same results either way. */
  readonly pruning?: boolean;
}

/** One result: the document's number in the index, its id and its score. */
export interface SearchHit {
  readonly doc: number;
  readonly id: string;
  readonly score: number;
}

interface Views {
  readonly termStarts: Uint32Array;
  readonly termMax: Float32Array;
  readonly docs: Uint32Array;
  readonly impacts: Float32Array | Uint8Array;
  readonly blockLast: Uint32Array;
  readonly blockMax: Float32Array;
  readonly docIdStarts: Uint32Array;
  readonly docIdBytes: Uint8Array;
}

/** An index ready to search. Build one with `IndexBuilder` or `splade index`. */
export class SparseIndex {
  private readonly views: Views;
  /** First block of each term (recomputed from the posting counts). */
  private readonly blockStarts: Uint32Array;
  private readonly scratch = new Accumulators();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  private constructor(readonly header: IndexHeader, views: Views, blockStarts: Uint32Array) {
    this.views = views;
    this.blockStarts = blockStarts;
  }

  /**
   * Opens an index from its bytes. The bytes are used in place when they start on a 4-byte
   * boundary (an ArrayBuffer always does), else copied once.
   * @throws IndexFormatError naming what is wrong (truncated, corrupt section, bad structure)
   * @throws RangeError for a `verify` other than 'full' or 'quick'
   */
  static open(data: ArrayBuffer | Uint8Array, options: OpenIndexOptions = {}): SparseIndex {
    if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new IndexFormatError('index files are little-endian; this platform is not');
    let bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
    const header = decodeHeader(bytes, bytes.length, crc32);
    const verify = options.verify ?? 'full';
    // A misspelt mode ('header') must not quietly become the weaker check.
    if (verify !== 'full' && verify !== 'quick') throw new RangeError(`verify must be 'full' or 'quick', got '${String(verify)}'`);
    if (verify === 'full') verifyChecksums(bytes, header);
    const views = sectionViews(bytes, header);
    const blockStarts = checkTables(header, views);
    if (verify === 'full') {
      checkPostings(header, views, blockStarts);
      checkIds(header, views);
    }
    return new SparseIndex(header, views, blockStarts);
  }

  get docCount(): number {
    return this.header.docCount;
  }

  get vocabSize(): number {
    return this.header.vocabSize;
  }

  get postingCount(): number {
    return this.header.postingCount;
  }

  get impactType(): ImpactType {
    return this.header.impactType;
  }

  /** The id of document number `doc`. */
  docId(doc: number): string {
    if (!Number.isInteger(doc) || doc < 0 || doc >= this.docCount) throw new RangeError(`document number ${doc} is not below ${this.docCount}`);
    const { docIdStarts, docIdBytes } = this.views;
    try {
      return this.decoder.decode(docIdBytes.subarray(docIdStarts[doc], docIdStarts[doc + 1]));
    } catch (error) {
      throw new IndexFormatError(`index docIdBytes: the id of document ${doc} is not valid UTF-8`, { cause: error });
    }
  }

  /** The postings of a term: document numbers and their weights (stored impact × scale). */
  postings(term: number): { docs: Uint32Array; weights: Float64Array } {
    const list = this.list(term, 1);
    return list ? { docs: list.docs, weights: Float64Array.from(list.impacts, (x) => x * this.header.scale) } : { docs: new Uint32Array(0), weights: new Float64Array(0) };
  }

  private list(term: number, weight: number): QueryList | undefined {
    if (term >= this.vocabSize) return undefined;
    const v = this.views;
    const from = v.termStarts[term];
    const to = v.termStarts[term + 1];
    if (from === to) return undefined;
    const firstBlock = this.blockStarts[term];
    const blocks = blocksOf(to - from, this.header.blockSize);
    return {
      term,
      weight,
      docs: v.docs.subarray(from, to),
      impacts: v.impacts.subarray(from, to),
      blockLast: v.blockLast.subarray(firstBlock, firstBlock + blocks),
      blockMax: v.blockMax.subarray(firstBlock, firstBlock + blocks),
      maxImpact: v.termMax[term],
    };
  }

  /**
   * The query's posting lists. Query weights must be finite and not negative (zero weights
   * and terms without postings are dropped); term ids ascending and distinct.
   * @throws QueryError
   */
  prepare(query: SparseVector): PreparedQuery {
    const lists: QueryList[] = [];
    const { indices, values } = query;
    if (indices.length !== values.length) throw new QueryError(`query: ${indices.length} indices but ${values.length} values`);
    for (let k = 0; k < indices.length; k++) {
      const term = indices[k];
      if (!Number.isInteger(term) || term < 0) throw new QueryError(`query position ${k}: ${term} is not a term id`);
      if (k > 0 && term <= indices[k - 1]) throw new QueryError(`query position ${k}: term ids must be ascending and distinct (${indices[k - 1]} then ${term})`);
      if (!Number.isFinite(values[k]) || values[k] < 0) throw new QueryError(`query position ${k}: weight ${values[k]} is not a finite non-negative number`);
      if (values[k] === 0) continue;
      const list = this.list(term, values[k]);
      if (list) lists.push(list);
    }
    return { lists, unit: this.header.scale, blockSize: this.header.blockSize, docCount: this.docCount };
  }

  /**
   * The exact top k documents by dot product of the query and the stored weights: score
   * descending, equal scores by document number (the order documents were added). Only
   * documents that share a term with the query are returned.
   */
  searchDocs(query: SparseVector, options: SearchOptions = {}): ScoredDoc[] {
    const k = options.topK ?? 10;
    if (!Number.isInteger(k) || k < 0) throw new QueryError(`topK must be a non-negative integer, got ${k}`);
    const prepared = this.prepare(query);
    // The heap is sized by k: a k past the corpus (--top-k 1e12) would allocate for nothing.
    const kept = Math.min(k, this.docCount);
    return options.pruning === false ? exhaustiveSearch(prepared, kept, this.scratch) : maxScoreSearch(prepared, kept);
  }

  /** As `searchDocs`, with each document's id. */
  search(query: SparseVector, options: SearchOptions = {}): SearchHit[] {
    return this.searchDocs(query, options).map(({ doc, score }) => ({ doc, id: this.hitId(doc), score }));
  }

  /**
   * Why document number `doc` (a hit's `doc`) scores what it does for `query`: the query terms
   * it shares with the query, each with both weights and their product, largest first. The
   * explanation's `score` is the one `search` gives the document, to the bit (0 and no terms
   * for a document that shares no term). A binary search a query term: no list is scanned.
   * @throws QueryError for a query `search` refuses
   * @throws RangeError for a document number not below `docCount`
   */
  explain(query: SparseVector, doc: number): HitExplanation {
    if (!Number.isInteger(doc) || doc < 0 || doc >= this.docCount) throw new RangeError(`document number ${doc} is not below ${this.docCount}`);
    return explainDoc(this.prepare(query), doc);
  }

  /** The id of a document a posting list gave: past the corpus only in a file opened with verify 'quick'. */
  private hitId(doc: number): string {
    if (doc >= this.docCount) throw new IndexFormatError(`index postings: document ${doc} is not below the ${this.docCount} documents (the file, opened with verify 'quick', is damaged)`);
    return this.docId(doc);
  }
}

function sectionViews(bytes: Uint8Array, h: IndexHeader): Views {
  const at = (name: SectionName): number => bytes.byteOffset + h.sections[name].offset;
  const { buffer } = bytes;
  return {
    termStarts: new Uint32Array(buffer, at('termStarts'), h.vocabSize + 1),
    termMax: new Float32Array(buffer, at('termMax'), h.vocabSize),
    docs: new Uint32Array(buffer, at('docs'), h.postingCount),
    impacts: h.impactType === 'u8' ? new Uint8Array(buffer, at('impacts'), h.postingCount) : new Float32Array(buffer, at('impacts'), h.postingCount),
    blockLast: new Uint32Array(buffer, at('blockLast'), h.blockCount),
    blockMax: new Float32Array(buffer, at('blockMax'), h.blockCount),
    docIdStarts: new Uint32Array(buffer, at('docIdStarts'), h.docCount + 1),
    docIdBytes: new Uint8Array(buffer, at('docIdBytes'), h.docIdBytes),
  };
}

function verifyChecksums(bytes: Uint8Array, h: IndexHeader): void {
  for (const name of SECTION_NAMES) {
    const s = h.sections[name];
    const actual = crc32(bytes.subarray(s.offset, s.offset + s.length));
    if (actual !== s.crc) throw new IndexFormatError(`index section ${name} is corrupt: checksum ${hex(actual)}, the header says ${hex(s.crc)}`);
  }
}

/** Checks the term and document tables (cheap: vocabulary + documents); the block starts. */
function checkTables(h: IndexHeader, v: Views): Uint32Array {
  const fail = (what: string): never => {
    throw new IndexFormatError(`index ${what}`);
  };
  if (v.termStarts[0] !== 0) fail(`termStarts[0] is ${v.termStarts[0]}, not 0`);
  const blockStarts = new Uint32Array(h.vocabSize + 1);
  for (let t = 0; t < h.vocabSize; t++) {
    if (v.termStarts[t + 1] < v.termStarts[t]) fail(`termStarts: term ${t + 1} starts before term ${t}`);
    blockStarts[t + 1] = blockStarts[t] + blocksOf(v.termStarts[t + 1] - v.termStarts[t], h.blockSize);
  }
  if (v.termStarts[h.vocabSize] !== h.postingCount) fail(`termStarts: the lists end at ${v.termStarts[h.vocabSize]}, not at the ${h.postingCount} postings of the header`);
  if (blockStarts[h.vocabSize] !== h.blockCount) fail(`blocks: the lists need ${blockStarts[h.vocabSize]} blocks, the header says ${h.blockCount}`);
  if (v.docIdStarts[0] !== 0) fail(`docIdStarts[0] is ${v.docIdStarts[0]}, not 0`);
  for (let d = 0; d < h.docCount; d++) {
    if (v.docIdStarts[d + 1] < v.docIdStarts[d]) fail(`docIdStarts: the id of document ${d + 1} starts before that of document ${d}`);
  }
  if (v.docIdStarts[h.docCount] !== h.docIdBytes) fail(`docIdStarts: the ids end at ${v.docIdStarts[h.docCount]}, not at the ${h.docIdBytes} id bytes`);
  return blockStarts;
}

/** Checks every posting list: documents ascending and in range, impacts valid, blocks right. */
function checkPostings(h: IndexHeader, v: Views, blockStarts: Uint32Array): void {
  // Locals, not property loads, in the loop over every posting.
  const { termStarts, docs, impacts, blockLast, blockMax: blockMaxes, termMax } = v;
  const { docCount, blockSize, vocabSize } = h;
  // The largest finite float32: an infinite impact would make every bound infinite.
  const limit = h.impactType === 'u8' ? 255 : 3.4028234663852886e38;
  for (let t = 0; t < vocabSize; t++) {
    const from = termStarts[t];
    const to = termStarts[t + 1];
    let listMax = 0;
    let block = blockStarts[t];
    let blockMax = 0;
    let previous = -1;
    for (let i = from; i < to; i++) {
      const d = docs[i];
      if (d >= docCount || d <= previous) {
        throw postingError(t, d >= docCount ? `document ${d} is not below the ${docCount} documents` : `documents not ascending (${previous} then ${d})`);
      }
      previous = d;
      const x = impacts[i];
      if (!(x > 0 && x <= limit)) throw postingError(t, `impact ${x} of document ${d} is not a positive finite number${limit === 255 ? ' up to 255' : ''}`);
      if (x > blockMax) blockMax = x;
      if (i - from + 1 === (block - blockStarts[t] + 1) * blockSize || i === to - 1) {
        if (blockLast[block] !== d) throw postingError(t, `block ${block - blockStarts[t]} ends at document ${d}, its metadata says ${blockLast[block]}`);
        if (blockMaxes[block] !== blockMax) throw postingError(t, `block ${block - blockStarts[t]} has largest impact ${blockMax}, its metadata says ${blockMaxes[block]}`);
        if (blockMax > listMax) listMax = blockMax;
        blockMax = 0;
        block++;
      }
    }
    if (termMax[t] !== listMax) throw postingError(t, `largest impact ${listMax}, the term table says ${termMax[t]}`);
  }
}

/**
 * Checks that every document id is UTF-8: the bytes of all ids are, and no id starts on a
 * continuation byte (inside a character); one decode instead of one a document. The first id
 * that is not is named.
 */
function checkIds(h: IndexHeader, v: Views): void {
  const { docIdStarts, docIdBytes } = v;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const valid = (bytes: Uint8Array): boolean => {
    try {
      decoder.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };
  const isContinuation = (byte: number): boolean => (byte & 0xc0) === 0x80;
  let ok = valid(docIdBytes);
  for (let d = 0; ok && d < h.docCount; d++) {
    if (docIdStarts[d + 1] > docIdStarts[d] && isContinuation(docIdBytes[docIdStarts[d]])) ok = false;
  }
  if (ok) return;
  // Then some id is not UTF-8 (valid ids concatenate to valid bytes, and none starts mid-character).
  for (let d = 0; d < h.docCount; d++) {
    if (!valid(docIdBytes.subarray(docIdStarts[d], docIdStarts[d + 1]))) throw new IndexFormatError(`index docIdBytes: the id of document ${d} is not valid UTF-8`);
  }
}

function postingError(term: number, what: string): IndexFormatError {
  return new IndexFormatError(`index postings of term ${term}: ${what}`);
}
