// Reading JSON-lines and TREC inputs for the search commands: a file (or '-' for standard
// input), line by line, so that a corpus of vectors never has to fit in memory as text.
import { readFile } from 'node:fs/promises';
import { readLines, utf8Text } from '../node/corpus/documents.js';
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

/** A whole text file (or standard input), which must be UTF-8 (an error names the line that is not). */
export async function readText(path: string): Promise<string> {
  let bytes: Buffer;
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    bytes = Buffer.concat(chunks);
  } else {
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw fileError(path, 'read', error);
    }
  }
  return utf8Text(bytes, sourceName(path));
}

