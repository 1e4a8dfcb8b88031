// `splade eval`: nDCG@10, MRR@10 and Recall@100 of a TREC run against qrels, as trec_eval
// computes them (see src/search/metrics.ts for the definitions).
import { evaluateRun, type Measures } from '../../search/metrics.js';
import { parseQrels, parseRun } from '../../search/trec.js';
import { oneOf, parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { readText, sourceName } from '../input-lines.js';

const usage = `usage: splade eval --run RUN.trec --qrels QRELS [--per-query] [--complete] [--format text|json]

Evaluates a TREC run ("qid Q0 docid rank score tag" lines, e.g. \`splade search --format trec\`)
against TREC qrels ("qid 0 docid relevance" lines) with the definitions of trec_eval:
documents ranked by score (the rank column is ignored), relevant means relevance >= 1,
nDCG with linear gains.
  nDCG@10     trec_eval ndcg_cut.10
  MRR@10      reciprocal rank of the first relevant document in the top 10
  Recall@100  trec_eval recall.100
Means are over the queries in both files (as trec_eval); --complete counts every query of
the qrels, a query missing from the run scoring 0 (trec_eval -c).

options:
  --per-query        also print each query's measures
  --format text|json text (default): "measure<TAB>qid<TAB>value" lines, as trec_eval; json: one object`;

const NAMES: Array<[keyof Measures, string]> = [['ndcg10', 'nDCG@10'], ['mrr10', 'MRR@10'], ['recall100', 'Recall@100']];

/** trec_eval's layout ("%-22s\t%s\t%s"): tabs keep a long query id apart from its value. */
const textLine = (name: string, qid: string, value: string): string => `${name.padEnd(22)}\t${qid}\t${value}`;

function textLines(qid: string, m: Measures): string[] {
  return NAMES.map(([key, name]) => textLine(name, qid, m[key].toFixed(4)));
}

export const command: Command = {
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
        run: { type: 'string' },
        qrels: { type: 'string' },
        'per-query': { type: 'boolean' },
        complete: { type: 'boolean' },
        format: { type: 'string' },
    });
    if (values.run === undefined || values.qrels === undefined) throw new UsageError('--run and --qrels are required');
    if (values.run === '-' && values.qrels === '-') throw new UsageError('--run and --qrels cannot both be standard input');
    const format = oneOf('format', values.format, ['text', 'json']) ?? 'text';
    const run = parseRun(await readText(values.run), sourceName(values.run));
    const qrels = parseQrels(await readText(values.qrels), sourceName(values.qrels));
    const result = evaluateRun(run, qrels, { complete: values.complete });
    if (result.unjudged.length > 0) process.stderr.write(`note: ${result.unjudged.length} queries of the run have no judgements and are not counted\n`);
    if (result.missing.length > 0) {
      process.stderr.write(`note: ${result.missing.length} queries of the qrels are missing from the run${values.complete ? ' and count as 0' : ' and are not counted (--complete counts them as 0)'}\n`);
    }
    if (format === 'json') {
      const perQuery = values['per-query'] ? { perQuery: Object.fromEntries(result.perQuery) } : {};
      process.stdout.write(JSON.stringify({ queries: result.perQuery.size, ...result.mean, ...perQuery }) + '\n');
      return 0;
    }
    const lines: string[] = [];
    if (values['per-query']) for (const [qid, m] of result.perQuery) lines.push(...textLines(qid, m));
    lines.push(...textLines('all', result.mean), textLine('queries', 'all', String(result.perQuery.size)));
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
