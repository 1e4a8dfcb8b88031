// `splade search`: the exact top k documents of an index for queries given as text (encoded
// with a model) or as vectors, as JSON lines or a TREC run.
import { CorpusTexts } from '../../node/corpus/corpus-texts.js';
import { openIndexFile } from '../../node/index-file.js';
import { SpladeEncoder } from '../../node/splade-encoder.js';
import { termRows } from '../../search/hit-explanation.js';
import { QueryError, type SearchHit, type SparseIndex } from '../../search/sparse-index.js';
import { runLine } from '../../search/trec.js';
import type { SparseVector } from '../../splade/sparse-vector.js';
import { oneOf, optionalNumber, parseCommandArgs, wholeNumber } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { inputName } from '../../node/corpus/input-bytes.js';
import { readVectorLines } from '../input-lines.js';
import { RepeatedIdCheck } from '../../splade/repeated-ids.js';
import { BACKEND_FLAGS, backendOptionsFromFlags, backendUsage } from '../backend-flags.js';
import { dtypeOption, dtypeUsage } from '../dtype-option.js';
import { optionUsage } from '../option-usage.js';
import { HitTexts } from '../hit-texts.js';
import { CORPUS_FLAGS, corpusSettings, type CorpusFlags, type CorpusSettings } from '../corpus-option.js';

const usage = `usage: splade search --index FILE.spladeidx --model DIR --query TEXT [--query TEXT]... [options]
       splade search --index FILE.spladeidx --query-vectors FILE.jsonl|- [options]

Prints the exact top k documents of each query by dot product with the stored weights (equal
scores: the document indexed first comes first). Queries are texts encoded with --model (as
queries; their ids are their positions 0, 1, ...) or vectors {"id", "indices", "values"}.

options:
  --top-k K            documents per query (default 10)
  --format jsonl|trec  jsonl (default): {"qid", "hits": [{"id", "score"}, ...]} a query;
                       trec: a TREC run, "qid Q0 docid rank score tag" a line
  --corpus FILE        the corpus the index was built from, as splade encode --input read it
                       (JSON lines or id<TAB>text): each hit gains its document's "text"
                       (null, and a note at the end, for an id the corpus does not have)
  --corpus-format jsonl|tsv  how its lines are written (default: by its name, .tsv is TSV)
  --text-chars N       with --corpus: cut each text to N characters, marked with "…"
  --explain [N]        each hit gains "terms": [[token, query weight, document weight,
                       contribution], ...], the query terms it shares with the document, the
                       largest contribution first (their sum is the score); N: the first N
                       only (default all). Tokens are --model's; with --query-vectors, term ids
  --tag TAG            the run tag of TREC lines (default splade)
  --no-pruning         score every posting of the query terms (same results, slower)
  --verify full|quick  full (default): check every checksum and posting list when opening;
                       quick: the header only (faster to open a large trusted file)
  --batch-size N       texts per forward pass with --model (default 16)
${optionUsage('--query-model DIR|REPO_ID', 'a separate model for the query texts', 23)}
with --model, how it computes:
${dtypeUsage(23)}
${backendUsage(23)}`;

type Format = 'jsonl' | 'trec';

interface Printer {
  (qid: string, index: SparseIndex, query: SparseVector): Promise<void>;
}

/** What each hit shows besides its id and score. */
interface HitExtras {
  readonly texts: HitTexts | undefined;
  /** --explain: how many terms a hit (Infinity: all); undefined without --explain. */
  readonly explain: number | undefined;
  /** A term's vocabulary string (with --model), else its id. */
  readonly token: (term: number) => string | number;
}

function printer(format: Format, topK: number, pruning: boolean, tag: string, extras: HitExtras): Printer {
  return async (qid, index, query) => {
    const hits = index.search(query, { topK, pruning });
    if (format === 'trec') {
      const lines = hits.map((hit, rank) => runLine(qid, hit.id, rank + 1, hit.score, tag) + '\n');
      process.stdout.write(lines.join(''));
    } else {
      process.stdout.write(JSON.stringify({ qid, hits: await jsonHits(hits, index, query, extras) }) + '\n');
    }
  };
}

/** The hits as JSON lines show them: id and score, then the text and the terms when asked. */
async function jsonHits(hits: readonly SearchHit[], index: SparseIndex, query: SparseVector, { texts, explain, token }: HitExtras): Promise<object[]> {
  const found = texts && (await texts.of(hits.map((hit) => hit.id)));
  return hits.map(({ doc, id, score }, k) => ({
    id,
    score,
    ...(found ? { text: found[k] } : {}),
    ...(explain !== undefined ? { terms: termRows(index.explain(query, doc).terms, explain, token) } : {}),
  }));
}

interface HitTextSettings extends CorpusSettings {
  /** --text-chars */
  readonly maxChars: number | undefined;
}

/** What --corpus and --text-chars ask for, checked before anything is read; undefined without --corpus. */
function hitTextSettings(values: CorpusFlags & { readonly 'text-chars'?: string }, format: Format): HitTextSettings | undefined {
  const corpus = corpusSettings(values);
  const maxChars = wholeNumber('text-chars', values['text-chars'], { min: 1 });
  if (corpus === undefined) {
    if (maxChars !== undefined) throw new UsageError('--text-chars needs --corpus FILE');
    return undefined;
  }
  if (format === 'trec') throw new UsageError('--corpus is for --format jsonl: a TREC run has no texts');
  return { ...corpus, maxChars };
}

/** --explain [N]: terms a hit (Infinity for a bare --explain); undefined without it. */
function explainLimit(value: string | undefined, format: Format): number | undefined {
  if (value === undefined) return undefined;
  if (format === 'trec') throw new UsageError('--explain is for --format jsonl: a TREC run has no terms');
  return value === ALL_TERMS ? Infinity : wholeNumber('explain', value, { min: 1 });
}

const ALL_TERMS = 'all';

const OPTIONS = {
  index: { type: 'string' },
  model: { type: 'string' },
  query: { type: 'string', multiple: true },
  'query-vectors': { type: 'string' },
  'top-k': { type: 'string' },
  format: { type: 'string' },
  tag: { type: 'string' },
  'no-pruning': { type: 'boolean' },
  verify: { type: 'string' },
  'batch-size': { type: 'string' },
  'query-model': { type: 'string' },
  dtype: { type: 'string' },
  ...CORPUS_FLAGS,
  'text-chars': { type: 'string' },
  explain: { type: 'string' },
  ...BACKEND_FLAGS,
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

/** Where the queries come from, checked: texts with --model, or a vectors file. */
function querySource(values: Values): { texts: string[]; vectorsPath: string | undefined; batchSize: number | undefined } {
  const texts = values.query ?? [];
  const vectorsPath = values['query-vectors'];
  if ((texts.length > 0) === (vectorsPath !== undefined)) throw new UsageError('give --query (with --model) or --query-vectors, not both nor neither');
  if (texts.length > 0 && values.model === undefined) throw new UsageError('--query needs --model to encode the texts');
  if (vectorsPath !== undefined) {
    const modelFlag = (['model', 'query-model', 'dtype', 'backend', 'threads', 'kernels', 'gpu-mode'] as const).find((flag) => values[flag] !== undefined);
    if (modelFlag) throw new UsageError(`--${modelFlag} is for --query texts; --query-vectors are already encoded`);
  }
  return { texts, vectorsPath, batchSize: wholeNumber('batch-size', values['batch-size'], { min: 1 }) };
}

export const command: Command = {
  usage,
  async run(args) {
    const { values } = parseCommandArgs(optionalNumber(args, 'explain', ALL_TERMS), OPTIONS);
    if (values.index === undefined) throw new UsageError('--index is required');
    const queries = querySource(values);
    const format: Format = oneOf('format', values.format, ['jsonl', 'trec']) ?? 'jsonl';
    const verify = oneOf('verify', values.verify, ['full', 'quick']) ?? 'full';
    const topK = wholeNumber('top-k', values['top-k'], { min: 1 }) ?? 10;
    const corpus = hitTextSettings(values, format);
    const explain = explainLimit(values.explain, format);

    const index = await openIndexFile(values.index, { verify });
    // The corpus before any query: its mistakes come before a line of output.
    const corpusTexts = corpus && (await CorpusTexts.open(corpus.path, corpus.options));
    const hitTexts = corpusTexts && new HitTexts(corpusTexts, corpus.maxChars);
    const print = (token: HitExtras['token']): Printer => printer(format, topK, !values['no-pruning'], values.tag ?? 'splade', { texts: hitTexts, explain, token });
    try {
      if (queries.vectorsPath !== undefined) await searchVectors(queries.vectorsPath, index, print((term) => term));
      else await searchTexts(values, queries, index, print);
    } finally {
      await corpusTexts?.close();
    }
    const note = hitTexts?.note();
    if (note) process.stderr.write(note + '\n');
    return 0;
  },
};

/** Encodes the --query texts with --model and searches each; terms are named by its vocabulary. */
async function searchTexts(values: Values, { texts, batchSize }: ReturnType<typeof querySource>, index: SparseIndex, print: (token: HitExtras['token']) => Printer): Promise<void> {
  const encoder = await SpladeEncoder.fromPretrained(values.model!, {
    ...(values['query-model'] ? { queryModel: values['query-model'] } : {}),
    ...backendOptionsFromFlags(values),
    ...dtypeOption(values.dtype),
  });
  const vectors = await encoder.encode(texts, { role: 'query', batchSize });
  encoder.dispose();
  const { tokenizer } = encoder;
  const printQuery = print((term) => tokenizer?.idToToken(term) ?? `[${term}]`);
  // Query terms the index has never seen simply have no postings.
  for (const [k, vector] of vectors.entries()) await printQuery(String(k), index, vector);
}

/**
 * Searches each query of a vectors file, in file order. A query id met twice is refused: a
 * TREC run would list both queries' hits under one id, which trec_eval reads as one query.
 */
async function searchVectors(path: string, index: SparseIndex, print: Printer): Promise<void> {
  const at = { line: 0 };
  const ids = new RepeatedIdCheck(inputName(path));
  for await (const { id, vector } of readVectorLines(path, at)) {
    const repeated = ids.repeats(id, at.line);
    if (repeated !== undefined) throw new QueryError(repeated);
    try {
      await print(id, index, vector);
    } catch (error) {
      // The index names the query's position at fault; the line is the reader's.
      if (error instanceof QueryError) throw new QueryError(`${inputName(path)} line ${at.line}: ${error.message}`);
      throw error;
    }
  }
}
