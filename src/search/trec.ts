// TREC run and qrels files, the formats trec_eval reads, and BEIR's qrels.
//   run:   qid Q0 docid rank score tag     (one retrieved document a line)
//   qrels: qid iteration docid relevance   (one judgement a line)
//   BEIR qrels (qrels/test.tsv): a header "query-id corpus-id score", then qid docid score
// Fields are separated by spaces or tabs; blank lines and lines starting with '#' are skipped
// (as trec_eval 10 does).
import { SpladeError } from '../errors.js';

/** A malformed run or qrels line: the message names the source and line. */
export class TrecFormatError extends SpladeError {}

/** One retrieved document of a run. */
export interface RunEntry {
  readonly docid: string;
  readonly score: number;
}

/** qid -> retrieved documents (in file order; metrics re-rank by score as trec_eval does). */
export type Run = Map<string, RunEntry[]>;
/** qid -> docid -> relevance. */
export type Qrels = Map<string, Map<string, number>>;

/** The fields of each line that is neither blank nor a comment, and the line's number. */
function* lineFields(text: string): Generator<[string[], number]> {
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    yield [line.split(/[ \t]+/), n + 1];
  }
}

/**
 * The fields of each line: exactly `count`, or at least `count` with `extraAllowed` (the
 * rest ignored).
 */
function* fields(text: string, source: string, count: number, extraAllowed = false): Generator<[string[], string]> {
  for (const [parts, number] of lineFields(text)) {
    const where = `${source} line ${number}`;
    if (parts.length < count || (parts.length > count && !extraAllowed)) {
      throw new TrecFormatError(`${where}: expected ${count}${extraAllowed ? ' or more' : ''} fields, found ${parts.length}`);
    }
    yield [parts, where];
  }
}

/**
 * Parses a TREC run. A document listed twice for one query is an error (as in trec_eval).
 * Fields after the sixth (the tag) are ignored, as trec_eval's get_trec_results.c
 * parse_results_line does ("Skip over rest of line"); qrels lines must have exactly four
 * (get_qrels.c parse_qrels_line).
 */
export function parseRun(text: string, source = 'run'): Run {
  const run: Run = new Map();
  const seen = new Map<string, Set<string>>();
  for (const [[qid, , docid, , scoreText], where] of fields(text, source, 6, true)) {
    const score = Number(scoreText);
    if (scoreText === '' || !Number.isFinite(score)) throw new TrecFormatError(`${where}: score ${JSON.stringify(scoreText)} is not a number`);
    const docs = seen.get(qid) ?? new Set<string>();
    if (docs.has(docid)) throw new TrecFormatError(`${where}: document ${docid} appears twice for query ${qid}`);
    docs.add(docid);
    seen.set(qid, docs);
    const entries = run.get(qid) ?? [];
    entries.push({ docid, score });
    run.set(qid, entries);
  }
  return run;
}

/** A way of writing qrels: its fields, and where the query, document and relevance are. */
interface QrelsLayout {
  /** For messages: `TREC qrels: qid iteration docid relevance`. */
  readonly name: string;
  readonly count: number;
  /** The name of the relevance field, for messages. */
  readonly relevance: string;
  readonly pick: (parts: readonly string[]) => { qid: string; docid: string; relText: string };
}

const TREC_QRELS: QrelsLayout = {
  name: 'TREC qrels: qid iteration docid relevance', count: 4, relevance: 'relevance',
  pick: ([qid, , docid, relText]) => ({ qid, docid, relText }),
};

const BEIR_QRELS: QrelsLayout = {
  name: 'BEIR qrels: query-id corpus-id score', count: 3, relevance: 'score',
  pick: ([qid, docid, relText]) => ({ qid, docid, relText }),
};

/** The first line of BEIR's qrels/*.tsv. */
const BEIR_HEADER = 'query-id corpus-id score';

/** The layout the first line shows (BEIR's header, or 3 fields, or 4), and whether it is a header. */
function qrelsLayout(parts: readonly string[], where: string): { layout: QrelsLayout; header: boolean } {
  if (parts.join(' ') === BEIR_HEADER) return { layout: BEIR_QRELS, header: true };
  if (parts.length === BEIR_QRELS.count) return { layout: BEIR_QRELS, header: false };
  if (parts.length === TREC_QRELS.count) return { layout: TREC_QRELS, header: false };
  throw new TrecFormatError(`${where}: expected 4 fields, found ${parts.length} (${TREC_QRELS.name}; or 3, ${BEIR_QRELS.name})`);
}

/**
 * Parses qrels, TREC's or BEIR's, told apart by the first line that is neither blank nor a
 * comment: BEIR's header `query-id<TAB>corpus-id<TAB>score` (skipped, as
 * beir/datasets/data_loader.py skips it) or 3 fields make BEIR qrels (`qid docid score`), 4
 * make TREC qrels (`qid iteration docid relevance`); every later line must have as many.
 * Relevance must be an integer (BEIR's loader reads it with int()). A repeated judgement is an
 * error (BEIR's loader would keep the last one silently).
 * @param source names the file in errors, e.g. `qrels/test.tsv`
 */
export function parseQrels(text: string, source = 'qrels'): Qrels {
  const qrels: Qrels = new Map();
  let first: { layout: QrelsLayout; number: number } | undefined;
  for (const [parts, number] of lineFields(text)) {
    const where = `${source} line ${number}`;
    if (first === undefined) {
      const { layout, header } = qrelsLayout(parts, where);
      first = { layout, number };
      if (header) continue;
    }
    const { layout } = first;
    if (parts.length !== layout.count) {
      throw new TrecFormatError(`${where}: expected ${layout.count} fields, found ${parts.length} (line ${first.number} makes the file ${layout.name})`);
    }
    const { qid, docid, relText } = layout.pick(parts);
    if (!/^-?\d+$/.test(relText)) throw new TrecFormatError(`${where}: ${layout.relevance} ${JSON.stringify(relText)} is not an integer`);
    const judged = qrels.get(qid) ?? new Map<string, number>();
    if (judged.has(docid)) throw new TrecFormatError(`${where}: document ${docid} is judged twice for query ${qid}`);
    judged.set(docid, Number(relText));
    qrels.set(qid, judged);
  }
  return qrels;
}

/** One run line: `qid Q0 docid rank score tag`. Ids must not contain spaces or tabs. */
export function runLine(qid: string, docid: string, rank: number, score: number, tag: string): string {
  for (const [name, value] of [['query id', qid], ['document id', docid], ['tag', tag]] as const) {
    if (value === '' || /\s/.test(value)) throw new TrecFormatError(`TREC run: the ${name} ${JSON.stringify(value)} is empty or contains white space`);
  }
  // trec_eval 10 (get_trec_results.c) skips a line whose first field starts with '#' as a
  // comment, as parseRun does: such a query's lines would silently vanish from the run.
  if (qid.startsWith('#')) throw new TrecFormatError(`TREC run: the query id ${JSON.stringify(qid)} starts with '#', which makes the line a comment to trec_eval`);
  return `${qid} Q0 ${docid} ${rank} ${score} ${tag}`;
}
