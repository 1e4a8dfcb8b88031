// The corpus: JSON lines read one at a time, so memory does not grow with the file.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SpladeError } from '../../errors.js';
import { fileError } from '../files.js';

/** One document of the corpus. */
export interface CorpusDocument {
  readonly id: string | number;
  readonly text: string;
}

/** A corpus line that is not a document. */
export class CorpusLineError extends SpladeError {}

/**
 * Parses one line: a JSON string, or an object with a string "text" and an optional string
 * or number "id" (undefined when the line gives none).
 * @param where names the line in errors, e.g. `corpus.jsonl line 12`
 */
export function parseDocumentRecord(line: string, where: string): { readonly id?: string | number; readonly text: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new CorpusLineError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value === 'string') return { text: value };
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (!record || typeof record.text !== 'string') throw new CorpusLineError(`${where}: expected a JSON string or an object with a string "text"`);
  const id = record.id;
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') throw new CorpusLineError(`${where}: "id" must be a string or a number`);
  return { id, text: record.text };
}

/** One line as a document: without an id, its id is its position among the documents, from 0. */
export function parseDocumentLine(line: string, where: string, position: number): CorpusDocument {
  const { id, text } = parseDocumentRecord(line, where);
  return { id: id ?? position, text };
}

/** Lines of a file (or stdin for `-`), without their line ends, with their 1-based numbers. */
export async function* readLines(path: string): AsyncGenerator<{ line: string; number: number }> {
  const stream = path === '-' ? process.stdin : createReadStream(path);
  const opened = new Promise<void>((resolve, reject) => {
    if (path === '-') resolve();
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw fileError(path, 'read', error);
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) yield { line, number: ++number };
  } catch (error) {
    throw fileError(path, 'read', error);
  } finally {
    lines.close();
    if (path !== '-') stream.destroy();
  }
}

/** The documents of a JSON-lines corpus in file order; blank lines are skipped. */
export async function* readDocuments(path: string): AsyncGenerator<CorpusDocument> {
  const source = path === '-' ? 'stdin' : path;
  let position = 0;
  for await (const { line, number } of readLines(path)) {
    if (line.trim() === '') continue;
    yield parseDocumentLine(line, `${source} line ${number}`, position++);
  }
}
