// `splade eval`: a TREC run against qrels, as trec_eval computes it. By default nDCG@10,
// MRR@10 and Recall@100 (src/search/metrics.ts); with --measures, trec_eval's own measures,
// names, options (-c, -M, -l) and layout (src/search/trec-measures.ts).
import { MeasureSpecError, isCount, parseMeasures, printedNames, type MeasureRequest } from '../../search/measure-spec.js';
import { evaluateRun, type Evaluation, type Measures } from '../../search/metrics.js';
import { evaluateMeasures, type TrecEvalOptions, type TrecEvaluation } from '../../search/trec-measures.js';
import { TrecFormatError, parseQrels, parseRun, type Qrels, type Run } from '../../search/trec.js';
import { oneOf, parseCommandArgs, wholeNumber } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { inputName } from '../../node/corpus/input-bytes.js';
import { readText } from '../input-lines.js';
import { fourDecimals, textLine } from '../trec-eval-text.js';

const usage = `usage: splade eval --run RUN.trec --qrels QRELS [--complete] [--per-query] [--format text|json]
       splade eval --run RUN.trec --qrels QRELS --measures LIST [--measures LIST]... [options]

Evaluates a TREC run ("qid Q0 docid rank score tag" lines, e.g. \`splade search --format trec\`)
against qrels, TREC's ("qid 0 docid relevance" lines) or BEIR's (qrels/test.tsv: the header
"query-id<TAB>corpus-id<TAB>score", then "qid<TAB>docid<TAB>score" lines; told apart by the
first line), with the definitions of trec_eval:
documents ranked by score, ties by docid (the rank column is ignored), relevant means
relevance >= 1, nDCG with linear gains. Without --measures:
  nDCG@10     trec_eval ndcg_cut.10
  MRR@10      reciprocal rank of the first relevant document in the top 10 (trec_eval -M 10 -m recip_rank)
  Recall@100  trec_eval recall.100
Means are over the queries in both files (as trec_eval); --complete counts every query of
the qrels, a query missing from the run scoring 0 (trec_eval -c).

options:
  --measures LIST        trec_eval's measures by its names (-m), comma-separated, repeatable:
                         num_q, num_ret, num_rel, num_rel_ret, map, recip_rank, P, recall,
                         ndcg, ndcg_cut, map_cut, success;
                         P, recall, ndcg_cut, map_cut and success take cutoffs: a number after a
                         comma adds one to the measure before it (recall.100,1000 = recall at 100
                         and 1000), a bare name takes trec_eval's defaults. Printed with
                         trec_eval's names (recall_1000) in its order and layout
  --max-docs N           with --measures: only the first N documents of each query's ranking
                         (trec_eval -M N)
  --relevance-level N    with --measures: relevant means relevance >= N (trec_eval -l N;
                         default 1); nDCG's gains are the judged relevances whatever N is, as
                         in trec_eval
  --complete             count every query of the qrels (trec_eval -c)
  --per-query            also print each query's measures (trec_eval -q)
  --format text|json     text (default): "measure<TAB>qid<TAB>value" lines, as trec_eval; json: one object

examples (the measures of Anserini's regressions; -M 10 would cut recall, hence two commands):
  MS MARCO passage dev   splade eval --run run.trec --qrels qrels.dev.tsv --complete --max-docs 10 --measures recip_rank
                         splade eval --run run.trec --qrels qrels.dev.tsv --complete --measures recall.1000
  TREC DL 2019/2020      splade eval --run run.trec --qrels qrels.dl19.txt --complete --relevance-level 2 --measures map,ndcg_cut.10,recall.1000
                         (ndcg_cut ignores -l, so this one command gives trec_eval -c -m ndcg_cut.10's nDCG too)
  BEIR                   splade eval --run run.trec --qrels qrels/test.tsv --complete --measures ndcg_cut.10,recall.100`;

const NAMES: Array<[keyof Measures, string]> = [['ndcg10', 'nDCG@10'], ['mrr10', 'MRR@10'], ['recall100', 'Recall@100']];

function textLines(qid: string, m: Measures): string[] {
  return NAMES.map(([key, name]) => textLine(name, qid, fourDecimals(m[key])));
}

/** The default three measures, printed as `splade eval` always has. */
function printDefault(result: Evaluation, perQuery: boolean, format: 'text' | 'json'): void {
  if (format === 'json') {
    const queries = perQuery ? { perQuery: Object.fromEntries(result.perQuery) } : {};
    process.stdout.write(JSON.stringify({ queries: result.perQuery.size, ...result.mean, ...queries }) + '\n');
    return;
  }
  const lines: string[] = [];
  if (perQuery) for (const [qid, m] of result.perQuery) lines.push(...textLines(qid, m));
  lines.push(...textLines('all', result.mean), textLine('queries', 'all', String(result.perQuery.size)));
  process.stdout.write(lines.join('\n') + '\n');
}

/** One query's (or 'all') lines as trec_eval prints them: counts as integers ("%ld"), the rest "%6.4f". */
function trecEvalLines(qid: string, values: ReadonlyMap<string, number>, requests: readonly MeasureRequest[]): string[] {
  return requests.flatMap((request) =>
    printedNames(request)
      .filter((name) => values.has(name))
      .map((name) => textLine(name, qid, isCount(request.measure) ? String(Math.trunc(values.get(name) ?? 0)) : fourDecimals(values.get(name) ?? 0))),
  );
}

/** trec_eval's measures, in its names, order and layout (or as JSON keyed by its names). */
function printMeasures(result: TrecEvaluation, requests: readonly MeasureRequest[], perQuery: boolean, format: 'text' | 'json'): void {
  if (format === 'json') {
    const queries = perQuery ? { perQuery: Object.fromEntries([...result.perQuery].map(([qid, values]) => [qid, Object.fromEntries(values)])) } : {};
    process.stdout.write(JSON.stringify({ ...Object.fromEntries(result.all), ...queries }) + '\n');
    return;
  }
  const lines: string[] = [];
  if (perQuery) for (const [qid, values] of result.perQuery) lines.push(...trecEvalLines(qid, values, requests));
  lines.push(...trecEvalLines('all', result.all, requests));
  process.stdout.write(lines.join('\n') + '\n');
}

function noteQueries(result: { readonly missing: readonly string[]; readonly unjudged: readonly string[] }, complete: boolean): void {
  if (result.unjudged.length > 0) process.stderr.write(`note: ${result.unjudged.length} queries of the run have no judgements and are not counted\n`);
  if (result.missing.length > 0) {
    process.stderr.write(`note: ${result.missing.length} queries of the qrels are missing from the run${complete ? ' and count as 0' : ' and are not counted (--complete counts them as 0)'}\n`);
  }
}

/** The --measures requests, a usage error naming the bad part. */
function measureRequests(lists: readonly string[]): MeasureRequest[] {
  try {
    return parseMeasures(lists);
  } catch (error) {
    if (error instanceof MeasureSpecError) throw new UsageError(`--measures: ${error.message}`);
    throw error;
  }
}

/**
 * The run and the qrels. Qrels without a judgement (an empty file, comments only, BEIR's header
 * only) are refused, as trec_eval refuses them: every measure would print 0, read as a result.
 */
async function readFiles(runPath: string, qrelsPath: string): Promise<{ run: Run; qrels: Qrels }> {
  const run = parseRun(await readText(runPath), inputName(runPath));
  const qrels = parseQrels(await readText(qrelsPath), inputName(qrelsPath));
  if (qrels.size === 0) throw new TrecFormatError(`${inputName(qrelsPath)}: no judgements in the qrels file (nothing to evaluate the run against)`);
  return { run, qrels };
}

export const command: Command = {
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
        run: { type: 'string' },
        qrels: { type: 'string' },
        measures: { type: 'string', multiple: true },
        'max-docs': { type: 'string' },
        'relevance-level': { type: 'string' },
        'per-query': { type: 'boolean' },
        complete: { type: 'boolean' },
        format: { type: 'string' },
    });
    if (values.run === undefined || values.qrels === undefined) throw new UsageError('--run and --qrels are required');
    if (values.run === '-' && values.qrels === '-') throw new UsageError('--run and --qrels cannot both be standard input');
    const format = oneOf('format', values.format, ['text', 'json']) ?? 'text';
    const complete = values.complete ?? false;
    const perQuery = values['per-query'] ?? false;
    const options: TrecEvalOptions = {
      complete,
      maxDocs: wholeNumber('max-docs', values['max-docs'], { min: 1 }),
      relevanceLevel: wholeNumber('relevance-level', values['relevance-level'], { min: 0 }),
    };
    if (values.measures === undefined) {
      if (options.maxDocs !== undefined || options.relevanceLevel !== undefined) {
        throw new UsageError('--max-docs and --relevance-level need --measures (the default nDCG@10, MRR@10 and Recall@100 have fixed definitions)');
      }
      const { run, qrels } = await readFiles(values.run, values.qrels);
      const result = evaluateRun(run, qrels, { complete });
      noteQueries(result, complete);
      printDefault(result, perQuery, format);
      return 0;
    }
    const requests = measureRequests(values.measures);
    const { run, qrels } = await readFiles(values.run, values.qrels);
    const result = evaluateMeasures(run, qrels, requests, options);
    noteQueries(result, complete);
    printMeasures(result, requests, perQuery, format);
    return 0;
  },
};
