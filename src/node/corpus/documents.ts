// The corpus: JSON or TSV lines read one at a time (decompressed as they are read when they
// are gzip), so memory does not grow with the file.
import { SpladeError } from '../../errors.js';
import { inputBytes, inputName } from './input-bytes.js';
import { inputFormat, parseRecordLine, type InputFormat } from './document-record.js';

/** One document of the corpus. */
export interface CorpusDocument {
  readonly id: string | number;
  readonly text: string;
  /** Its 1-based line in the input (blank lines counted), for messages. */
  readonly line: number;
  /** Whether the line gave the id (else it is the document's position, from 0). */
  readonly idGiven: boolean;
}

/** A line of an input that is not UTF-8 text. */
export class InvalidUtf8Error extends SpladeError {}

const CR = 0x0d;
const LF = 0x0a;

/** A line of an input: its text (without its line end), its 1-based number, and its bytes' place. */
export interface InputLine {
  readonly line: string;
  readonly number: number;
  /** The byte offset of the line in the input, so that it can be read again at its place. */
  readonly start: number;
  /** Its UTF-8 bytes, without its line end. */
  readonly length: number;
}

/**
 * The lines of a byte stream, each decoded as strict UTF-8: a line that is not valid UTF-8 is
 * an error naming it (`${source} line N`), where a lenient decoder would turn its bytes into
 * U+FFFD and encode a different text than the user's without a word. Line ends are those of
 * readline with crlfDelay Infinity: \n, \r\n and a lone \r.
 */
export async function* utf8Lines(input: AsyncIterable<Uint8Array | string>, source: string): AsyncGenerator<InputLine> {
  // ignoreBOM: a byte-order mark stays in the text, as readline's decoder left it.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let number = 0;
  /** The byte offset of the bytes pending (the line being gathered). */
  let offset = 0;
  const decode = (bytes: Uint8Array): string[] => {
    let text: string;
    try {
      text = decoder.decode(bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes);
    } catch {
      throw new InvalidUtf8Error(`${source} line ${number + 1}: not valid UTF-8 text`);
    }
    return text.split('\r');
  };
  /** The lines of bytes that start at `at`: split at lone \r, each placed by its UTF-8 length. */
  function* placed(texts: string[], at: number): Generator<InputLine> {
    let start = at;
    for (const line of texts) {
      // Valid UTF-8 decoded: encoding the text again gives its bytes exactly.
      const length = Buffer.byteLength(line, 'utf8');
      yield { line, number: ++number, start, length };
      start += length + 1;
    }
  }
  let pending: Uint8Array[] = [];
  for await (const piece of input) {
    // A stream in string mode (Readable.from(['...'])) has decoded already: back to bytes.
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      pending.push(chunk.subarray(start, end));
      const bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      yield* placed(decode(bytes), offset);
      offset += bytes.length + 1;
      pending = [];
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  // A last line without a line end (readline yields it when it is not empty).
  if (pending.length > 0) {
    const lines = decode(Buffer.concat(pending));
    if (lines.at(-1) === '') lines.pop();
    yield* placed(lines, offset);
  }
}

/** The text of a whole input, as strict UTF-8 (an error names the first line that is not). */
export function utf8Text(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let end = bytes.indexOf(LF); end !== -1; end = bytes.indexOf(LF, start)) {
      if (!isUtf8(bytes.subarray(start, end))) break;
      line += 1;
      start = end + 1;
    }
    throw new InvalidUtf8Error(`${source} line ${line}: not valid UTF-8 text`);
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lines of a file (or stdin for `-`), without their line ends, with their 1-based numbers and
 * byte places; a gzip input is decompressed as it is read, and its lines are numbered and
 * placed as those of the decompressed text.
 */
export async function* readLines(path: string): AsyncGenerator<InputLine> {
  yield* utf8Lines(inputBytes(path), inputName(path));
}

/** A line of an input as given (its id undefined when it gives none), and where it is. */
export interface DocumentRecord {
  readonly id?: string | number;
  readonly text: string;
  /** `${source} line N`, for messages. */
  readonly where: string;
  /** N: the 1-based line number. */
  readonly line: number;
}

/**
 * The records of an input (a file, or `-` for stdin) in file order; blank lines are skipped.
 * The one reader of texts to encode, so that `splade encode` with and without --output split
 * lines (and number them in errors) alike.
 * @param format JSON lines or TSV; by default, by the file's name (see inputFormat)
 */
export async function* readDocumentRecords(path: string, format: InputFormat = inputFormat(path)): AsyncGenerator<DocumentRecord> {
  const source = inputName(path);
  for await (const { line, number } of readLines(path)) {
    if (line.trim() === '') continue;
    const where = `${source} line ${number}`;
    yield { ...parseRecordLine(line, where, format), where, line: number };
  }
}

/** The documents of a corpus in file order; blank lines are skipped. */
export async function* readDocuments(path: string, format: InputFormat = inputFormat(path)): AsyncGenerator<CorpusDocument> {
  let position = 0;
  for await (const { id, text, line } of readDocumentRecords(path, format)) {
    // Without an id, a document's id is its position among the documents, from 0.
    yield { id: id ?? position, text, line, idGiven: id !== undefined };
    position++;
  }
}
