// Reading JSON-lines and TREC inputs for the search commands: a file (or '-' for standard
// input), line by line, so that a corpus of vectors never has to fit in memory as text.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileError } from '../node/files.js';
import { parseVectorLine, type VectorLine } from '../search/vector-lines.js';

/** The name of an input in messages. */
export const sourceName = (path: string): string => (path === '-' ? 'stdin' : path);

/** The non-blank lines of a file or of standard input, with their 1-based numbers. */
export async function* readLines(path: string): AsyncGenerator<[line: string, number: number]> {
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
    for await (const line of lines) {
      number++;
      if (line.trim() !== '') yield [line, number];
    }
  } catch (error) {
    throw fileError(path, 'read', error);
  }
}

/** The vectors of a JSON-lines file; `at.line` follows the line being read (for messages). */
export async function* readVectorLines(path: string, at: { line: number } = { line: 0 }): AsyncGenerator<VectorLine> {
  const source = sourceName(path);
  for await (const [line, number] of readLines(path)) {
    at.line = number;
    yield parseVectorLine(line, `${source} line ${number}`);
  }
}

/** A whole text file (or standard input). */
export async function readText(path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, 'read', error);
  }
}

