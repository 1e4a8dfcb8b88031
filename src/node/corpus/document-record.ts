// One line of a corpus (or of queries) to encode: how it becomes an id and a text.
//
// JSON lines are this project's own `{"id", "text"}` (or a bare string) and BEIR's
// `{"_id", "title", "text", "metadata"}`, read as beir/datasets/data_loader.py reads them: the
// id from "_id", the title joined to the text.
import { roundedIdProblem } from '../../splade/document-id.js';
import { SpladeError } from '../../errors.js';

/** A corpus line that is not a document. */
export class CorpusLineError extends SpladeError {}

/** A line's id (undefined when it gives none) and the text to encode. */
export interface ParsedRecord {
  readonly id?: string | number;
  readonly text: string;
}

/**
 * Parses one JSON line: a JSON string, or an object with a string "text", an optional string
 * or number id in "id" or (BEIR) "_id", never both, and an optional string "title" that goes
 * before the text; other fields (BEIR's "metadata") are ignored.
 * @param where names the line in errors, e.g. `corpus.jsonl line 12`
 */
export function parseDocumentRecord(line: string, where: string): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new CorpusLineError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value === 'string') return { text: value };
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (!record || typeof record.text !== 'string') throw new CorpusLineError(`${where}: expected a JSON string or an object with a string "text"`);
  const id = recordId(record, where);
  return id === undefined ? { text: withTitle(record, where) } : { id, text: withTitle(record, where) };
}

/** The line's "id", or BEIR's "_id"; a line with both is ambiguous. */
function recordId(record: Record<string, unknown>, where: string): string | number | undefined {
  if ('id' in record && '_id' in record) throw new CorpusLineError(`${where}: the line has both "id" and "_id"; give one`);
  const field = '_id' in record ? '_id' : 'id';
  const id = record[field];
  // JSON has no undefined: only an absent field gives it (a null id is refused below).
  if (id === undefined) return undefined;
  if (typeof id !== 'string' && typeof id !== 'number') throw new CorpusLineError(`${where}: "${field}" must be a string or a number`);
  const rounded = roundedIdProblem(id, field);
  if (rounded) throw new CorpusLineError(`${where}: ${rounded}`);
  return id;
}

/**
 * The text to encode: a non-empty "title", a space, then "text". BEIR's models join a document
 * so (beir/retrieval/models/util.py extract_corpus_sentences, used by its splade.py, sparta.py
 * and sentence_bert.py: `(title + " " + text).strip()`, sep " "), as does the
 * sentence-transformers SparseInformationRetrievalEvaluator example on BeIR/nfcorpus. The
 * strip() only removes the lone space an empty title leaves (and any white space the fields
 * begin or end with, which BERT's tokenizer ignores anyway), so an empty title adds nothing.
 */
function withTitle(record: Record<string, unknown>, where: string): string {
  const text = record.text as string;
  if (!('title' in record)) return text;
  const title = record.title;
  if (typeof title !== 'string') throw new CorpusLineError(`${where}: "title" must be a string`);
  return title === '' ? text : `${title} ${text}`;
}
