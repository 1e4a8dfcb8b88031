// The texts of a corpus's documents by id, for showing search hits: the corpus is scanned once,
// streaming, keeping for each document only its id (in an IdTable) and where its line lies in
// the file; a text is read again from the file when a hit asks for it, and parsed by the same
// parser `splade encode` read it with. So a corpus of millions of documents costs its ids' bytes
// and about 30-60 bytes a document (13-27 of IdTable; 8 + 4 + 4 of place, in arrays that double
// as they grow, so up to 32), never its texts.
import { open, type FileHandle } from 'node:fs/promises';
import { SpladeError } from '../../errors.js';
import { idText, repeatedIdMessage } from '../../splade/document-id.js';
import { IdTable } from '../../splade/id-table.js';
import { fileError, readFully } from '../files.js';
import { inputFormat, parseRecordLine, type InputFormat } from './document-record.js';
import { utf8Lines } from './documents.js';
import { isGzip } from './gzip-input.js';

/** A corpus that cannot serve texts: stdin, a gzip file, a repeated id, or a file changed since its scan. */
export class CorpusTextsError extends SpladeError {}

/** How to read the corpus. */
export interface CorpusTextsOptions {
  /** How its lines are written; by default by its name (see inputFormat). */
  readonly format?: InputFormat;
}

/**
 * A document's text by its id, as the index stores ids (see idText: the number 7 is "7"). The
 * ids and texts are those `splade encode --input` reads from the same file: the id of a line
 * that gives none is its position among the documents, from 0.
 *
 * ```ts
 * const corpus = await CorpusTexts.open('corpus.jsonl');
 * const texts = await corpus.texts(hits.map((hit) => hit.id));   // null: no such document
 * await corpus.close();
 * ```
 */
export class CorpusTexts {
  private constructor(
    /** The corpus's name in messages (its path). */
    readonly path: string,
    private readonly file: FileHandle,
    private readonly format: InputFormat,
    private readonly ids: IdTable,
    private readonly places: LinePlaces,
  ) {}

  /**
   * Scans the corpus at `path` (a file: standard input cannot be read again at a line's place).
   * @throws CorpusTextsError for stdin, a gzip-compressed file or a repeated id (naming both lines), CorpusLineError
   *   for a line that is not a document, FileAccessError when the file cannot be read
   */
  static async open(path: string, options: CorpusTextsOptions = {}): Promise<CorpusTexts> {
    if (path === '-') throw new CorpusTextsError("the corpus is read at each hit's line, and standard input cannot be read again at a line's place: give the corpus as a file");
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (error) {
      throw fileError(path, 'open', error);
    }
    try {
      await refuseGzip(file, path);
      const format = inputFormat(path, options.format);
      const { ids, places } = await scan(file, path, format);
      return new CorpusTexts(path, file, format, ids, places);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Documents in the corpus. */
  get size(): number {
    return this.ids.size;
  }

  /** Whether the corpus has a document of this id (nothing is read from the file). */
  has(id: string): boolean {
    return this.ids.find(id) >= 0;
  }

  /**
   * The text of each id (as `splade encode` encoded it: a BEIR title before its text), or null
   * for an id the corpus does not have.
   * @throws CorpusTextsError when a line is no longer the one scanned (the file has changed),
   *   CorpusLineError when a changed line is no document at all, FileAccessError when the file
   *   cannot be read (or was closed)
   */
  texts(ids: readonly string[]): Promise<Array<string | null>> {
    return Promise.all(ids.map((id) => this.textOf(id)));
  }

  /** Closes the file; texts() cannot be called after. */
  close(): Promise<void> {
    return this.file.close();
  }

  private async textOf(id: string): Promise<string | null> {
    const doc = this.ids.find(id);
    if (doc < 0) return null;
    const where = `${this.path} line ${this.places.lines[doc]}`;
    const bytes = new Uint8Array(this.places.lengths[doc]);
    try {
      await readFully(this.file, bytes, this.places.starts[doc], this.path);
    } catch (error) {
      if (error instanceof SpladeError) throw new CorpusTextsError(`${where} has changed since it was read: ${error.message}`);
      throw fileError(this.path, 'read', error);
    }
    let line: string;
    try {
      line = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new CorpusTextsError(`${where} has changed since it was read: it is no longer UTF-8 text`);
    }
    // The same parser as the scan's; its error names the line should the line have changed.
    const record = parseRecordLine(line, where, this.format);
    const now = idText(record.id ?? doc);
    if (now !== id) throw new CorpusTextsError(`${where} has changed since it was read: it was the document ${JSON.stringify(id)}, it is now ${JSON.stringify(now)}`);
    return record.text;
  }
}

/**
 * A gzip corpus is refused: a hit's text is read again at its line's byte offset, and a
 * compressed file has no offsets to read at (decompressing it whole again for each search, or
 * keeping its texts, would cost what this lookup exists to avoid).
 */
async function refuseGzip(file: FileHandle, path: string): Promise<void> {
  const head = new Uint8Array(2);
  const { bytesRead } = await file.read(head, 0, 2, 0).catch((error: unknown) => {
    throw fileError(path, 'read', error);
  });
  if (isGzip(head.subarray(0, bytesRead))) {
    throw new CorpusTextsError(`${path} is gzip-compressed: a hit's text is read at its line's place in the file, which a compressed file does not have; decompress it (gunzip -k) and give the decompressed file`);
  }
}

/** Reads every line once: each document's id into the table, its line's place beside it. */
async function scan(file: FileHandle, path: string, format: InputFormat): Promise<{ ids: IdTable; places: LinePlaces }> {
  const ids = new IdTable();
  const places = new LinePlaces();
  try {
    for await (const { line, number, start, length } of utf8Lines(chunksOf(file), path)) {
      if (line.trim() === '') continue;
      const where = `${path} line ${number}`;
      const given = parseRecordLine(line, where, format).id;
      // Without an id, a document's id is its position among the documents (readDocuments').
      const id = given ?? ids.size;
      const first = ids.addOrFind(idText(id));
      if (first >= 0) throw new CorpusTextsError(repeatedIdMessage(path, number, id, places.lines[first], given === undefined));
      places.push(start, length, number);
    }
  } catch (error) {
    if (error instanceof SpladeError) throw error;
    throw fileError(path, 'read', error);
  }
  return { ids, places };
}

const CHUNK_BYTES = 1 << 20;

/**
 * The file's bytes from its start, read from the handle that texts are read from later, so
 * the scan and the reads see one file (a stream of the handle would close it at its end).
 */
async function* chunksOf(file: FileHandle): AsyncGenerator<Uint8Array> {
  for (let position = 0; ;) {
    // A new buffer each time: the line reader keeps views of a line's unfinished bytes.
    const buffer = new Uint8Array(CHUNK_BYTES);
    const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

/** Where each document's line lies: its byte offset, its length and its number, in typed arrays. */
class LinePlaces {
  /** Byte offsets: float64 holds every offset of a file up to 2^53 bytes exactly. */
  starts = new Float64Array(1024);
  lengths = new Uint32Array(1024);
  lines = new Uint32Array(1024);
  private count = 0;

  push(start: number, length: number, line: number): void {
    if (this.count === this.starts.length) {
      this.starts = grown(this.starts, new Float64Array(2 * this.count));
      this.lengths = grown(this.lengths, new Uint32Array(2 * this.count));
      this.lines = grown(this.lines, new Uint32Array(2 * this.count));
    }
    this.starts[this.count] = start;
    this.lengths[this.count] = length;
    this.lines[this.count] = line;
    this.count++;
  }
}

function grown<T extends Float64Array | Uint32Array>(array: T, into: T): T {
  into.set(array);
  return into;
}
