// TREC run and qrels files, the formats trec_eval reads.
//   run:   qid Q0 docid rank score tag     (one retrieved document a line)
//   qrels: qid iteration docid relevance   (one judgement a line)
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

/**
 * The fields of each line: exactly `count`, or at least `count` with `extraAllowed` (the
 * rest ignored).
 */
function* fields(text: string, source: string, count: number, extraAllowed = false): Generator<[string[], string]> {
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/[ \t]+/);
    const where = `${source} line ${n + 1}`;
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

/** Parses TREC qrels; relevance must be an integer. A repeated judgement is an error. */
export function parseQrels(text: string, source = 'qrels'): Qrels {
  const qrels: Qrels = new Map();
  for (const [[qid, , docid, relText], where] of fields(text, source, 4)) {
    if (!/^-?\d+$/.test(relText)) throw new TrecFormatError(`${where}: relevance ${JSON.stringify(relText)} is not an integer`);
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
