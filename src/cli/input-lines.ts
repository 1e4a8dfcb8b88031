// Reading JSON-lines and TREC inputs for the search commands: a file (or '-' for standard
// input), line by line, so that a corpus of vectors never has to fit in memory as text.
import { readFile } from 'node:fs/promises';
import { readLines } from '../node/corpus/documents.js';
import { fileError } from '../node/files.js';
import { parseVectorLine, type VectorLine } from '../search/vector-lines.js';

/** The name of an input in messages. */
export const sourceName = (path: string): string => (path === '-' ? 'stdin' : path);

/** The vectors of a JSON-lines file; `at.line` follows the line being read (for messages). */
export async function* readVectorLines(path: string, at: { line: number } = { line: 0 }): AsyncGenerator<VectorLine> {
  const source = sourceName(path);
  for await (const { line, number } of readLines(path)) {
    if (line.trim() === '') continue;
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

