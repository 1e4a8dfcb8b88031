// Builds a .spladeidx file from document vectors in bounded memory. Postings are gathered in
// a fixed-size buffer; when it is full they are sorted by term (a counting sort, so documents
// stay in the order they were added) and spilled as a run. At the end every term's postings
// are the concatenation of that term's part of each run, in run order, so the runs are read
// once, front to back, and the file is written section by section.
import { SpladeError } from '../errors.js';
import { IdTable } from '../splade/id-table.js';
import type { SparseVector } from '../splade/sparse-vector.js';
import { crc32 } from './crc32.js';
import {
  HEADER_SIZE, SECTION_NAMES, blocksOf, encodeHeader, layout, sectionLengths,
  type ImpactType, type IndexHeader, type Section, type SectionName,
} from './index-format.js';
import { quantizeU8, u8Scale } from './quantize.js';
import { SectionWriter } from './section-writer.js';
import { memoryRunStorage, memorySink, type IndexSink, type RunReader, type RunStorage } from './storage.js';

/** A document the builder refuses (bad weights, a repeated id, a term id out of range). */
export class IndexBuildError extends SpladeError {}

/** A document whose id an earlier document has: an index holds each id once. */
export class DuplicateIdError extends IndexBuildError {
  /**
   * @param id the repeated id
   * @param first the number of the document that has it (documents are numbered from 0, in the order added)
   * @param document the number the refused document would have had
   */
  constructor(readonly id: string, readonly first: number, readonly document: number) {
    super(`document id ${JSON.stringify(id)} appears twice: document ${first} and again document ${document} (numbered from 0 in the order added)`);
  }
}

/** The largest vocabulary an index may have (the term table is dense over it). */
export const MAX_VOCAB_SIZE = 1 << 24;

export interface IndexBuilderOptions {
  /** float32 (default) or u8 (a byte a posting, weights rounded to multiples of max/255). */
  readonly impacts?: ImpactType;
  /** Term ids must be below it; default: the largest id seen + 1. */
  readonly vocabSize?: number;
  /** Postings per block of block-max metadata (default 64). */
  readonly blockSize?: number;
  /** Postings held in memory before a sorted run is spilled (default 4,194,304: ~50 MB). */
  readonly runPostings?: number;
  /** Where runs go (default: memory). From Node, `fileRunStorage` keeps them on disk. */
  readonly runs?: RunStorage;
}

/** What was built. */
export interface IndexStats {
  readonly documents: number;
  readonly postings: number;
  /** Terms with at least one posting. */
  readonly terms: number;
  readonly vocabSize: number;
  readonly runs: number;
  readonly fileLength: number;
  readonly impactType: ImpactType;
  readonly scale: number;
}

interface Run {
  readonly reader: Promise<RunReader>;
  /** Postings of each term in this run (index = term id, shorter than the vocabulary). */
  readonly counts: Uint32Array;
}

/** Grows a typed array to at least `size` elements (doubling), keeping its contents. */
function grown<T extends Uint32Array | Float32Array>(array: T, size: number, make: (n: number) => T): T {
  if (size <= array.length) return array;
  const out = make(Math.max(size, array.length * 2));
  out.set(array);
  return out;
}

/**
 * Builds an index: `add` each document (in the order that becomes its number), then `finish`.
 * Memory: the run buffer (16 bytes a posting), a few arrays over the vocabulary, the document
 * ids (their UTF-8 bytes and 13-27 bytes a document: see IdTable), and at the end the longest
 * posting list (8 bytes a posting) and the block table.
 */
export class IndexBuilder {
  private readonly impactType: ImpactType;
  private readonly blockSize: number;
  private readonly capacity: number;
  private readonly storage: RunStorage;
  private readonly vocabLimit: number;
  private terms: Uint32Array;
  private docs: Uint32Array;
  private weights: Float32Array;
  private buffered = 0;
  private termCounts = new Uint32Array(1024);
  private termMax = new Float32Array(1024);
  private maxTerm = -1;
  private maxWeight = 0;
  private postings = 0;
  /** The documents' ids, in the order added: each once, and the bytes of the ids section. */
  private readonly ids = new IdTable();
  private readonly runs: Run[] = [];
  private finished = false;

  constructor(options: IndexBuilderOptions = {}) {
    this.impactType = options.impacts ?? 'float32';
    if (this.impactType !== 'float32' && this.impactType !== 'u8') throw new IndexBuildError(`impacts must be float32 or u8, got '${String(this.impactType)}'`);
    this.blockSize = positive('blockSize', options.blockSize ?? 64);
    this.capacity = positive('runPostings', options.runPostings ?? 1 << 22);
    this.storage = options.runs ?? memoryRunStorage();
    this.vocabLimit = options.vocabSize === undefined ? MAX_VOCAB_SIZE : positive('vocabSize', options.vocabSize);
    if (this.vocabLimit > MAX_VOCAB_SIZE) throw new IndexBuildError(`vocabSize ${this.vocabLimit} is above the limit of ${MAX_VOCAB_SIZE}`);
    if (options.vocabSize !== undefined) this.maxTerm = options.vocabSize - 1;
    const first = Math.min(this.capacity, 1 << 16);
    this.terms = new Uint32Array(first);
    this.docs = new Uint32Array(first);
    this.weights = new Float32Array(first);
  }

  /** Documents added so far. */
  get documents(): number {
    return this.ids.size;
  }

  /**
   * Adds the next document. Its id must be new to the index (ids are compared exactly, code
   * point by code point: no Unicode normalization), its weights positive and finite, its term
   * ids ascending and below the vocabulary size. A refused document leaves the builder as it was.
   * @throws DuplicateIdError (an IndexBuildError) when an earlier document has the same id
   * @throws IndexBuildError naming the document and the position at fault
   */
  async add(id: string, vector: SparseVector): Promise<void> {
    if (this.finished) throw new IndexBuildError('the index is already finished');
    // Ids are stored as UTF-8, which would turn a lone surrogate into U+FFFD: another id.
    const lone = /\p{Cs}/u.exec(id);
    if (lone) throw new IndexBuildError(`document id ${JSON.stringify(id)} is not well-formed Unicode (a lone surrogate at position ${lone.index})`);
    const { indices, values } = vector;
    if (indices.length !== values.length) throw new IndexBuildError(`document ${JSON.stringify(id)}: ${indices.length} indices but ${values.length} values`);
    this.check(id, vector);
    const doc = this.ids.size;
    if (doc >= 0xffffffff) throw new IndexBuildError('an index holds at most 4,294,967,295 documents');
    if (this.postings + indices.length > 0xffffffff) throw new IndexBuildError('an index holds at most 4,294,967,295 postings');
    // Last of the checks, as it keeps the id when it is new.
    const first = this.ids.addOrFind(id);
    if (first >= 0) throw new DuplicateIdError(id, first, doc);
    this.trackMaxima(vector);
    if (this.buffered + indices.length > this.capacity) await this.spill();
    this.reserve(this.buffered + indices.length);
    for (let k = 0; k < indices.length; k++) {
      const term = indices[k];
      const weight = values[k];
      this.terms[this.buffered] = term;
      this.docs[this.buffered] = doc;
      this.weights[this.buffered] = weight;
      this.buffered++;
      this.termCounts[term]++;
      if (weight > this.termMax[term]) this.termMax[term] = weight;
    }
    this.postings += indices.length;
  }

  private check(id: string, { indices, values }: SparseVector): void {
    for (let k = 0; k < indices.length; k++) {
      const term = indices[k];
      const where = `document ${JSON.stringify(id)}, position ${k}`;
      if (!(values[k] > 0) || !Number.isFinite(values[k])) throw new IndexBuildError(`${where}: weight ${values[k]} is not a positive finite number`);
      if (!Number.isInteger(term) || term < 0 || term >= this.vocabLimit) throw new IndexBuildError(`${where}: term id ${term} is not below the vocabulary size ${this.vocabLimit}`);
      if (k > 0 && term <= indices[k - 1]) throw new IndexBuildError(`${where}: term ids must be ascending and distinct (${indices[k - 1]} then ${term})`);
    }
  }

  /** The largest term id and weight so far, now over an accepted document too. */
  private trackMaxima({ indices, values }: SparseVector): void {
    const last = indices.length > 0 ? indices[indices.length - 1] : -1;
    if (last > this.maxTerm) this.maxTerm = last;
    this.fitTermTables();
    for (let k = 0; k < values.length; k++) if (values[k] > this.maxWeight) this.maxWeight = values[k];
  }

  /** The per-term tables cover every term id up to maxTerm (a given vocabSize included). */
  private fitTermTables(): void {
    this.termCounts = grown(this.termCounts, this.maxTerm + 1, (n) => new Uint32Array(n));
    this.termMax = grown(this.termMax, this.maxTerm + 1, (n) => new Float32Array(n));
  }

  private reserve(size: number): void {
    if (size <= this.terms.length) return;
    this.terms = grown(this.terms, size, (n) => new Uint32Array(n));
    this.docs = grown(this.docs, size, (n) => new Uint32Array(n));
    this.weights = grown(this.weights, size, (n) => new Float32Array(n));
  }

  /** Sorts the buffered postings by term (stable) and writes them as one run. */
  private async spill(): Promise<void> {
    const n = this.buffered;
    if (n === 0) return;
    const counts = new Uint32Array(this.maxTerm + 1);
    for (let i = 0; i < n; i++) counts[this.terms[i]]++;
    // Run layout: for each term, its documents then its weights (4 bytes each).
    const next = new Uint32Array(counts.length);
    let word = 0;
    for (let t = 0; t < counts.length; t++) {
      next[t] = word;
      word += 2 * counts[t];
    }
    const out = new ArrayBuffer(8 * n);
    const outU32 = new Uint32Array(out);
    const outF32 = new Float32Array(out);
    const filled = new Uint32Array(counts.length);
    for (let i = 0; i < n; i++) {
      const t = this.terms[i];
      const k = filled[t]++;
      outU32[next[t] + k] = this.docs[i];
      outF32[next[t] + counts[t] + k] = this.weights[i];
    }
    const writer = await this.storage.create();
    const bytes = new Uint8Array(out);
    const CHUNK = 1 << 22;
    for (let at = 0; at < bytes.length; at += CHUNK) await writer.write(bytes.subarray(at, at + CHUNK));
    this.runs.push({ reader: writer.finish(), counts });
    this.buffered = 0;
  }

  /**
   * Writes the index. `openSink` is called once with the file's length and returns where to
   * write it (a file, a buffer). The runs are disposed of whatever happens.
   */
  async finish(openSink: (fileLength: number) => IndexSink | Promise<IndexSink>): Promise<IndexStats> {
    if (this.finished) throw new IndexBuildError('the index is already finished');
    this.finished = true;
    try {
      await this.spill();
      return await this.write(openSink);
    } finally {
      await this.disposeRuns();
    }
  }

  /** Removes the runs without writing anything (after an error). */
  async abort(): Promise<void> {
    this.finished = true;
    await this.disposeRuns();
  }

  /**
   * Disposes of the storage once every run's finish() has settled: add() does not wait for the
   * last spill's, and a reader opened after dispose would be left open (and its run on disk).
   */
  private async disposeRuns(): Promise<void> {
    await Promise.allSettled(this.runs.map((run) => run.reader));
    await this.storage.dispose();
  }

  private async write(openSink: (fileLength: number) => IndexSink | Promise<IndexSink>): Promise<IndexStats> {
    // With a vocabSize option and no document, nothing has grown the tables to it yet.
    this.fitTermTables();
    const vocabSize = this.maxTerm + 1;
    const counts = this.termCounts.subarray(0, vocabSize);
    const blockCount = counts.reduce((sum, c) => sum + blocksOf(c, this.blockSize), 0);
    const scale = this.impactType === 'u8' ? u8Scale(this.maxWeight) : 1;
    const idBytes = this.ids.idBytes();
    const docIdBytes = idBytes.length;
    const counted = { impactType: this.impactType, vocabSize, docCount: this.ids.size, postingCount: this.postings, blockCount, docIdBytes };
    const { offsets, fileLength } = layout(counted);
    const lengths = sectionLengths(counted);
    const sink = await openSink(fileLength);
    const writers = Object.fromEntries(
      SECTION_NAMES.map((name) => [name, new SectionWriter(sink, offsets[name], lengths[name], name)]),
    ) as Record<SectionName, SectionWriter>;
    const crcs = {} as Record<SectionName, number>;

    const starts = new Uint32Array(vocabSize + 1);
    for (let t = 0; t < vocabSize; t++) starts[t + 1] = starts[t] + counts[t];
    await writers.termStarts.writeArray(starts);
    const termMax = Float32Array.from(this.termMax.subarray(0, vocabSize), (w) => (this.impactType === 'u8' && w > 0 ? quantizeU8(w, scale) : w));
    await writers.termMax.writeArray(termMax);
    crcs.termStarts = await writers.termStarts.close();
    crcs.termMax = await writers.termMax.close();

    const blocks = await this.writePostings(counts, scale, blockCount, writers);
    crcs.docs = await writers.docs.close();
    crcs.impacts = await writers.impacts.close();
    await writers.blockLast.writeArray(blocks.last);
    await writers.blockMax.writeArray(blocks.max);
    crcs.blockLast = await writers.blockLast.close();
    crcs.blockMax = await writers.blockMax.close();

    await writers.docIdStarts.writeArray(this.ids.idStarts());
    await writers.docIdBytes.write(idBytes);
    crcs.docIdStarts = await writers.docIdStarts.close();
    crcs.docIdBytes = await writers.docIdBytes.close();

    const sections = Object.fromEntries(
      SECTION_NAMES.map((name): [SectionName, Section] => [name, { offset: offsets[name], length: lengths[name], crc: crcs[name] }]),
    ) as Record<SectionName, Section>;
    const header: IndexHeader = { ...counted, blockSize: this.blockSize, scale, fileLength, sections };
    const headerBytes = encodeHeader(header, crc32);
    if (headerBytes.length !== HEADER_SIZE) throw new Error('index builder: header size');
    await sink.write(0, headerBytes);
    const terms = counts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    return { documents: this.ids.size, postings: this.postings, terms, vocabSize, runs: this.runs.length, fileLength, impactType: this.impactType, scale };
  }

  /** Merges the runs term by term into the docs and impacts sections; the block table. */
  private async writePostings(
    counts: Uint32Array, scale: number, blockCount: number, writers: Record<SectionName, SectionWriter>,
  ): Promise<{ last: Uint32Array; max: Float32Array }> {
    const readers = await Promise.all(this.runs.map((run) => run.reader));
    const last = new Uint32Array(blockCount);
    const max = new Float32Array(blockCount);
    // One buffer each for the longest posting list and the largest part of one in a run, reused
    // term after term: a fresh array a term left hundreds of MB to a lazy collector at 1 M
    // documents (peak RSS 0.8-2.4 GB between runs of the same build).
    const longest = counts.reduce((m, c) => Math.max(m, c), 0);
    const docsBuffer = new Uint32Array(longest);
    const impactsBuffer = this.impactType === 'u8' ? new Uint8Array(longest) : new Float32Array(longest);
    const readBuffer = new Uint8Array(8 * this.runs.reduce((m, run) => Math.max(m, run.counts.reduce((a, c) => Math.max(a, c), 0)), 0));
    let block = 0;
    for (let t = 0; t < counts.length; t++) {
      const total = counts[t];
      if (total === 0) continue;
      const docs = docsBuffer.subarray(0, total);
      const impacts = impactsBuffer.subarray(0, total);
      let filled = 0;
      for (let r = 0; r < readers.length; r++) {
        const c = t < this.runs[r].counts.length ? this.runs[r].counts[t] : 0;
        if (c === 0) continue;
        const bytes = await readers[r].read(8 * c, readBuffer);
        docs.set(new Uint32Array(bytes.buffer, bytes.byteOffset, c), filled);
        const weights = new Float32Array(bytes.buffer, bytes.byteOffset + 4 * c, c);
        if (impacts instanceof Uint8Array) for (let k = 0; k < c; k++) impacts[filled + k] = quantizeU8(weights[k], scale);
        else impacts.set(weights, filled);
        filled += c;
      }
      if (filled !== total) throw new Error(`index builder: term ${t} has ${filled} of its ${total} postings in the runs`);
      for (let at = 0; at < total; at += this.blockSize, block++) {
        const end = Math.min(total, at + this.blockSize);
        let m = 0;
        for (let k = at; k < end; k++) if (impacts[k] > m) m = impacts[k];
        last[block] = docs[end - 1];
        max[block] = m;
      }
      await writers.docs.writeArray(docs);
      await writers.impacts.writeArray(impacts);
    }
    await Promise.all(readers.map((reader) => reader.close()));
    return { last, max };
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new IndexBuildError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Builds an index in memory: the file's bytes (for browsers, tests and small corpora). */
export async function buildIndex(
  documents: Iterable<{ readonly id: string; readonly vector: SparseVector }>,
  options: IndexBuilderOptions = {},
): Promise<Uint8Array> {
  const builder = new IndexBuilder(options);
  for (const { id, vector } of documents) await builder.add(id, vector);
  let sink: ReturnType<typeof memorySink> | undefined;
  await builder.finish((length) => (sink = memorySink(length)));
  return sink!.bytes;
}
