// `splade tokenize`: texts (--text, then JSON lines {"id", "text"}) in, {"id", "tokens", "ids"}
// out, one per text, in order. A bad line stops the run with its line number; the lines before
// it are written, nothing after it.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { SpladeError } from '../../errors.js';
import { utf8Lines } from '../../node/corpus/documents.js';
import { gunzipped } from '../../node/corpus/gzip-input.js';
import { folderModelFiles } from '../../node/folder-model-files.js';
import { mlmFolderOf } from '../../node/model-folder.js';
import { streamProgress } from '../../node/hub/progress.js';
import { resolveModel } from '../../node/resolve-model.js';
import { BertTokenizer, loadTokenizer, type Tokenizer } from '../../tokenizer/index.js';
import { parseCommandArgs, wholeNumber } from '../args.js';
import { UsageError, type Command } from '../command.js';

const usage = `usage: splade tokenize (--vocab FILE | --model DIR|REPO_ID) [--text TEXT]... [--input FILE|-] [--max-length N]

Tokenizes texts given with --text (ids 0, 1, ...), then JSON lines {"id": ..., "text": "..."}
(from --input; from standard input when no --text is given), and writes one JSON line per
text, in order, to standard output:
  {"id": ..., "tokens": [...], "ids": [...]}
tokens: the tokens without special tokens (WordPiece pieces, byte-level BPE tokens, or
SentencePiece pieces); ids: the model input ids with the special tokens ([CLS] … [SEP], or
<s> … </s>), truncated to --max-length (default: the model's maximum, 512 for BERT, RoBERTa
and XLM-RoBERTa). The tokens are those of the truncated ids. Blank lines are skipped. A line
that is not valid JSON or has no string "text" stops the run with an error giving its line
number (exit code 1).

options:
  --vocab FILE         a BERT vocab.txt (lowercasing, as bert-base-uncased)
  --model DIR|REPO_ID  a Hugging Face model folder (tokenizer.json, vocab.txt, or
                       vocab.json with merges.txt; tokenizer_config.json when present),
                       or a repository id (owner/name)
  --text TEXT          a text to tokenize (repeatable)
  --input FILE|-       JSON lines from FILE (- for standard input)
  --max-length N       at most N ids per text, the special tokens ([CLS] and [SEP], or <s>
                       and </s>) included (N >= 2)`;

/** A line of the input that cannot be tokenized. */
export class InputLineError extends SpladeError {}

/** The output line for one input line, or undefined for a blank line. */
export function tokenizeLine(tokenizer: Tokenizer, line: string, lineNumber: number, maxLength: number, source = 'input'): string | undefined {
  if (line.trim() === '') return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new InputLineError(`${source} line ${lineNumber}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InputLineError(`${source} line ${lineNumber}: expected a JSON object {"id": ..., "text": "..."}`);
  }
  const { id, text } = record as { id?: unknown; text?: unknown };
  if (typeof text !== 'string') {
    throw new InputLineError(`${source} line ${lineNumber}: ${text === undefined ? 'no "text" field' : '"text" must be a string'}`);
  }
  return tokenizedLine(tokenizer, id ?? null, text, maxLength);
}

/** Whether a tokenizer wraps texts in special tokens, asked once per tokenizer. */
const wrapsTexts = new WeakMap<Tokenizer, boolean>();

/** The output line of one text: its id, its tokens without the special ones, its ids with them. */
export function tokenizedLine(tokenizer: Tokenizer, id: unknown, text: string, maxLength: number): string {
  const encoding = tokenizer.encode(text, { maxLength });
  let wrapped = wrapsTexts.get(tokenizer);
  if (wrapped === undefined) {
    // The empty text tokenizes to just the special tokens the tokenizer wraps texts in.
    wrapped = tokenizer.encode('').ids.length > 0;
    wrapsTexts.set(tokenizer, wrapped);
  }
  const tokens = wrapped ? encoding.tokens.slice(1, -1) : encoding.tokens;
  return JSON.stringify({ id, tokens, ids: encoding.ids });
}

async function tokenizerFor(vocab: string | undefined, model: string | undefined): Promise<Tokenizer> {
  if ((vocab === undefined) === (model === undefined)) throw new UsageError('give exactly one of --vocab FILE and --model DIR|REPO_ID');
  if (vocab !== undefined) {
    let text: string;
    try {
      text = await readFile(vocab, 'utf8');
    } catch (error) {
      throw new SpladeError(`cannot read vocabulary ${vocab}: ${(error as Error).message}`);
    }
    return BertTokenizer.fromVocab(text);
  }
  const { dir } = await resolveModel(model!, { progress: streamProgress(process.stderr) });
  // The document MLM's tokenizer: in a sentence-transformers Router layout it is in a module folder.
  return loadTokenizer(folderModelFiles(await mlmFolderOf(dir)));
}

/** Writes with back-pressure, in chunks. */
class Output {
  private buffer = '';
  constructor(private readonly stream: Writable) {}
  async line(text: string): Promise<void> {
    this.buffer += text + '\n';
    if (this.buffer.length >= 1 << 16) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }
}

/** Tokenizes every line of `input` (decompressed when it is gzip) to `output`; exported for tests. */
export async function tokenizeStream(tokenizer: Tokenizer, input: Readable, output: Writable, maxLength: number, source = 'input'): Promise<void> {
  const out = new Output(output);
  try {
    for await (const { line, number: lineNumber } of utf8Lines(gunzipped(input as AsyncIterable<Uint8Array | string>, source), source)) {
      const result = tokenizeLine(tokenizer, line, lineNumber, maxLength, source);
      if (result !== undefined) await out.line(result);
    }
  } finally {
    await out.flush();
  }
}

export const command: Command = {
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      vocab: { type: 'string' },
      model: { type: 'string' },
      'max-length': { type: 'string' },
      input: { type: 'string' },
      text: { type: 'string', multiple: true },
    });
    // Checked before the tokenizer loads, so a typo fails at once.
    const givenMaxLength = wholeNumber('max-length', values['max-length'], { min: 2 });
    const tokenizer = await tokenizerFor(values.vocab, values.model);
    const maxLength = givenMaxLength ?? tokenizer.modelMaxLength;
    const texts = values.text ?? [];
    if (texts.length > 0) {
      const out = new Output(process.stdout);
      for (const [id, text] of texts.entries()) await out.line(tokenizedLine(tokenizer, id, text, maxLength));
      await out.flush();
      if (values.input === undefined) return 0;
    }
    const inputName = values.input ?? '-';
    const input = inputName === '-' ? process.stdin : createReadStream(inputName);
    const opened = new Promise<void>((resolve, reject) => {
      if (inputName === '-') return resolve();
      input.once('open', () => resolve());
      input.once('error', (error: Error) => reject(new SpladeError(`cannot read ${inputName}: ${error.message}`)));
    });
    await opened;
    await tokenizeStream(tokenizer, input, process.stdout, maxLength, inputName === '-' ? 'standard input' : inputName);
    return 0;
  },
};
