// One line of a corpus (or of queries) to encode: how it becomes an id and a text.
//
// JSON lines are this project's own `{"id", "text"}` (or a bare string) and BEIR's
// `{"_id", "title", "text", "metadata"}`, read as beir/datasets/data_loader.py reads them: the
// id from "_id", the title joined to the text. TSV lines are MS MARCO's collection.tsv and
// queries.*.tsv: `id<TAB>text`, no header.
import { roundedIdProblem } from '../../splade/document-id.js';
import { SpladeError } from '../../errors.js';

/** A corpus line that is not a document. */
export class CorpusLineError extends SpladeError {}

/**
 * A byte-order mark, which an editor saving "UTF-8 with BOM" puts before the first line. The
 * line reader keeps it (as readline does); the parsers name it, since it is invisible in the
 * line they would quote, and in a TSV id it would silently make another id than the qrels'.
 */
const BOM = '\uFEFF';

function bomProblem(consequence: string): string {
  return `the line begins with a byte-order mark (U+FEFF), ${consequence}: save the file as UTF-8 without one`;
}

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
    if (line.startsWith(BOM)) throw new CorpusLineError(`${where}: ${bomProblem('which JSON does not allow')}`);
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

/** How the lines of an input are written: JSON lines, or MS MARCO's `id<TAB>text`. */
export type InputFormat = 'jsonl' | 'tsv';

/** The input formats, as `--input-format` names them. */
export const INPUT_FORMATS: readonly InputFormat[] = ['jsonl', 'tsv'];

/**
 * The format of an input: `given` when there is one, else by its name: a `.tsv` file (in any
 * case), or a `.tsv.gz` one (MS MARCO's collection.tsv.gz), is TSV, anything else (stdin `-`
 * included) JSON lines.
 */
export function inputFormat(path: string, given?: InputFormat): InputFormat {
  return given ?? (/\.tsv(\.gz)?$/i.test(path) ? 'tsv' : 'jsonl');
}

/**
 * Parses one TSV line, `id<TAB>text` (MS MARCO's collection.tsv and queries.*.tsv). The id is
 * kept as text (MS MARCO's pid "7" stays "7", as its qrels write it). Fields after the second
 * are joined to the text with one space, as naver/splade's CollectionDatasetPreLoad reads
 * raw.tsv (`id_, *data = line.split("\t")`, `" ".join(data)`); MS MARCO's texts hold no tab.
 * @param where names the line in errors, e.g. `collection.tsv line 12`
 */
export function parseTsvRecord(line: string, where: string): ParsedRecord & { readonly id: string } {
  const tab = line.indexOf('\t');
  if (tab === -1) throw new CorpusLineError(`${where}: expected id<TAB>text, found no tab`);
  if (tab === 0) throw new CorpusLineError(`${where}: the id (before the first tab) is empty`);
  if (line.startsWith(BOM)) throw new CorpusLineError(`${where}: ${bomProblem('which would become part of the id')}`);
  return { id: line.slice(0, tab), text: line.slice(tab + 1).split('\t').join(' ') };
}

/** Parses one line of an input in `format` (see parseDocumentRecord and parseTsvRecord). */
export function parseRecordLine(line: string, where: string, format: InputFormat): ParsedRecord {
  return format === 'tsv' ? parseTsvRecord(line, where) : parseDocumentRecord(line, where);
}
