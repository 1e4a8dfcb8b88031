// Reading JSON-lines and TREC inputs for the search commands: a file (or '-' for standard
// input), gzip or not, line by line, so that a corpus of vectors never has to fit in memory as text.
import { readLines, utf8Text } from '../node/corpus/documents.js';
import { inputBytes, inputName } from '../node/corpus/input-bytes.js';
import { parseVectorLine, type VectorLine } from '../search/vector-lines.js';

/** The vectors of a JSON-lines file; `at.line` follows the line being read (for messages). */
export async function* readVectorLines(path: string, at: { line: number } = { line: 0 }): AsyncGenerator<VectorLine> {
  const source = inputName(path);
  for await (const { line, number } of readLines(path)) {
    if (line.trim() === '') continue;
    at.line = number;
    yield parseVectorLine(line, `${source} line ${number}`);
  }
}

/**
 * A whole text file (or standard input), which must be UTF-8 (an error names the line that is
 * not); decompressed when it is gzip (run.trec.gz, qrels.txt.gz).
 */
export async function readText(path: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of inputBytes(path)) chunks.push(chunk);
  return utf8Text(Buffer.concat(chunks), inputName(path));
}
