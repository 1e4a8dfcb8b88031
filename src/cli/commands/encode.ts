// `splade encode`: SPLADE vectors of texts (or of rows of token ids) as JSON lines, or the
// model card's bag of words. All input is read and encoded before anything is written, so a
// failure never leaves output that looks complete.
import type { InputIdRows } from '../../models/bert/input.js';
import { idText } from '../../splade/document-id.js';
import { SpladeError } from '../../errors.js';
import { INPUT_FORMATS, type InputFormat } from '../../node/corpus/document-record.js';
import { readDocumentRecords } from '../../node/corpus/documents.js';
import { SpladeEncoder } from '../../node/splade-encoder.js';
import { pruneTopK, type SparseVector } from '../../splade/sparse-vector.js';
import { BACKEND_FLAGS, backendUsage, backendOptionsFromFlags } from '../backend-flags.js';
import { inputName } from '../../node/corpus/input-bytes.js';
import { parseCommandArgs, oneOf, wholeNumber } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { modelTextLimits } from '../model-text-limits.js';
import { effectiveMaxLength, textNotices, type TextLimits } from '../text-limits.js';
import { dtypeUsage, dtypeOption } from '../dtype-option.js';
import { float32ToString, pythonRound2Repr, pythonStringRepr } from '../../inspect/numbers.js';
import { corpusUsage, runCorpusEncode } from '../encode-corpus.js';
import { readText } from '../input-lines.js';
import {
  ENCODE_SHAPING_OPTIONS, ENCODE_SHAPING_USAGE, givenShapingFlags, overflowNote, parseEncodeShaping, queryRouteNote,
} from '../encode-options.js';

const usage = `usage: splade encode --model DIR|REPO_ID [--text TEXT]... [--input FILE.jsonl|FILE.tsv|-] [options]
       splade encode --model DIR|REPO_ID --input-ids FILE|- [--batch-size N]

Encodes texts into SPLADE sparse vectors with a BERT, DistilBERT, RoBERTa or XLM-RoBERTa
masked language model: a folder DIR (config.json, model.safetensors or pytorch_model.bin, and
tokenizer.json, vocab.txt or vocab.json + merges.txt) or a
Hugging Face repository id REPO_ID such as prithivida/Splade_PP_en_v1 (found under weights/, in
the Hugging Face cache, or downloaded).

input (texts are encoded in the order given: --text ones first, then --input's lines):
  --text TEXT         a text to encode (repeatable)
  --input FILE|-      JSON lines: each a string, or an object {"text": ..., "id": ...} or
                      BEIR's {"_id": ..., "title": ..., "text": ...} (a non-empty title is
                      encoded as "title text"; other fields ignored); ids must be unique (a
                      line without one has its position as id); gzip-compressed or not
                      (corpus.jsonl.gz, or gzip on stdin)
  --input-format jsonl|tsv
                      how --input is written (default: tsv for a FILE ending in .tsv or
                      .tsv.gz, else jsonl); tsv: MS MARCO's "id<TAB>text" lines, no header
                      (further tabs become spaces)
  --input-ids FILE|-  {"input_ids": [[...]], "attention_mask": [[...]], "token_type_ids": [[...]]}
                      (mask and types optional): token ids instead of text; prints one line per
                      row, in order: {"row": i, "indices": [...], "values": [...]} with every
                      weight above 0 (the parity interface; no tokenizer files needed)

output:
  --format jsonl|bow  jsonl (default): {"id", "indices", "values"} per text, id being the
                      input's "id" or the text's position; bow: the model card's bag of words
  --terms             jsonl with "terms": {token: weight} instead of indices and values
  --top-k N           keep the N heaviest terms of each vector

model:
  --batch-size N      texts per forward pass (default 16)
${ENCODE_SHAPING_USAGE}
  --query             encode the texts as queries: with the folder's query route when it has
                      one (idf.json, a sentence-transformers Router's SparseStaticEmbedding:
                      inference-free), else --query-model when given, else the model
  --query-model DIR|REPO_ID
                      a separate model for queries
${dtypeUsage(22)}

Empty texts and texts cut to the length limit are encoded all the same; stderr says how
many there were (stdout holds only the vectors; with --output, at the end of the run).

what computes:
${backendUsage(22)}

${corpusUsage}`;

interface TextItem {
  readonly id: string | number;
  readonly text: string;
  /** Where the text came from, for errors: `--text number 2`, `data.jsonl line 7`. */
  readonly where: string;
  /** Whether the id was given (else it is the text's position). */
  readonly idGiven: boolean;
}

/** --input's texts (blank lines skipped), read as the corpus path reads them. */
async function readTextItems(path: string, format: InputFormat | undefined, firstId: number): Promise<TextItem[]> {
  const items: TextItem[] = [];
  for await (const { id, text, where } of readDocumentRecords(path, format)) {
    items.push({ id: id ?? firstId + items.length, text, where, idGiven: id !== undefined });
  }
  return items;
}

/**
 * Every id once: two vectors under one id could not be told apart downstream. The number 7
 * and the string "7" are different ids, as they are in the JSON written.
 */
function checkUniqueIds(items: readonly TextItem[]): void {
  const seen = new Map<string, TextItem>();
  for (const item of items) {
    // Compared as stored (idText), as index, export and encode --output compare them.
    const key = idText(item.id);
    const first = seen.get(key);
    if (first) {
      const how = item.idGiven ? '' : ' (its position: the line gives no id)';
      const number = typeof item.id !== typeof first.id ? ` (the number ${typeof first.id === 'number' ? first.id : item.id} is the id "${key}": ids are stored as text)` : '';
      throw new SpladeError(`${item.where}: id ${JSON.stringify(item.id)}${how} is already the id of ${first.where}${number}; ids must be unique`);
    }
    seen.set(key, item);
  }
}

/** The tokenizer and position table of the model that encodes the texts (the query model with --query). */
async function textLimits(encoder: SpladeEncoder, queryModel: string | undefined): Promise<TextLimits | undefined> {
  if (queryModel !== undefined) return modelTextLimits(queryModel);
  const { tokenizer } = encoder;
  return tokenizer && { tokenizer, maxPositions: encoder.model.sizes.max_position_embeddings };
}

function jsonNumbers(values: ArrayLike<number>): string {
  return `[${Array.from(values, float32ToString).join(',')}]`;
}

function jsonLine(key: 'id' | 'row', id: string | number, vector: SparseVector): string {
  return `{"${key}":${JSON.stringify(id)},"indices":[${Array.from(vector.indices).join(',')}],"values":${jsonNumbers(vector.values)}}`;
}

function termsLine(id: string | number, terms: Array<[string, number]>): string {
  const body = terms.map(([token, weight]) => `${JSON.stringify(token)}:${float32ToString(weight)}`).join(',');
  return `{"id":${JSON.stringify(id)},"terms":{${body}}}`;
}

/** The model card's printout: the number of active terms (before --top-k), then the rounded bag of words. */
function bowText(activeTerms: number, terms: Array<[string, number]>): string {
  const pairs = terms.map(([token, weight]) => `(${pythonStringRepr(token)}, ${pythonRound2Repr(weight)})`);
  return `Number of actual dimensions:  ${activeTerms}\nSPLADE BOW rep:\n [${pairs.join(', ')}]\n`;
}

const ENCODE_FLAGS = {
  model: { type: 'string' },
  text: { type: 'string', multiple: true },
  input: { type: 'string' },
  'input-format': { type: 'string' },
  'input-ids': { type: 'string' },
  format: { type: 'string' },
  terms: { type: 'boolean' },
  'top-k': { type: 'string' },
  'batch-size': { type: 'string' },
  'max-length': { type: 'string' },
  query: { type: 'boolean' },
  'query-model': { type: 'string' },
  ...BACKEND_FLAGS,
  dtype: { type: 'string' },
  // corpus encoding (see ../encode-corpus.ts)
  output: { type: 'string' },
  resume: { type: 'boolean' },
  shard: { type: 'string' },
  workers: { type: 'string' },
  window: { type: 'string' },
  'no-id-check': { type: 'boolean' },
  ...ENCODE_SHAPING_OPTIONS,
} as const;

type EncodeValues = ReturnType<typeof parseCommandArgs<typeof ENCODE_FLAGS>>['values'];

/** What every mode shares: the numbers checked, and the encoder's options. */
interface EncodeSettings {
  readonly model: string;
  readonly format: 'jsonl' | 'bow';
  readonly inputFormat: InputFormat | undefined;
  readonly topK: number | undefined;
  readonly batchSize: number | undefined;
  readonly maxLength: number | undefined;
  readonly shaping: ReturnType<typeof parseEncodeShaping>;
  readonly encoderOptions: Parameters<typeof SpladeEncoder.fromPretrained>[1];
}

function encodeSettings(v: EncodeValues): EncodeSettings {
  if (v.model === undefined) throw new UsageError('--model DIR|REPO_ID is required');
  const format = oneOf('format', v.format, ['jsonl', 'bow']) ?? 'jsonl';
  const inputFormat = oneOf('input-format', v['input-format'], INPUT_FORMATS);
  if (inputFormat !== undefined && v.input === undefined) throw new UsageError('--input-format needs --input FILE|-');
  const topK = wholeNumber('top-k', v['top-k'], { min: 1 });
  const batchSize = wholeNumber('batch-size', v['batch-size'], { min: 1 });
  const maxLength = wholeNumber('max-length', v['max-length'], { min: 2 });
  const shaping = parseEncodeShaping(v);
  return {
    model: v.model,
    format,
    inputFormat,
    topK,
    batchSize,
    maxLength,
    shaping,
    encoderOptions: {
      ...(v['query-model'] ? { queryModel: v['query-model'] } : {}),
      ...backendOptionsFromFlags(v),
      ...dtypeOption(v.dtype),
      ...(maxLength !== undefined ? { maxLength } : {}),
      ...(shaping.queryMaxLength !== undefined ? { queryMaxLength: shaping.queryMaxLength } : {}),
    },
  };
}

/** --output: a corpus, through the pipeline of ../encode-corpus.ts. */
function encodeCorpus(v: EncodeValues & { output: string }, s: EncodeSettings): Promise<number> {
  // Every worker is set up with these settings (plain data: they travel to worker processes).
  const { overflow, truncation, stride, prune, specialTokens, queryMaxLength } = s.shaping;
  const role = v.query ? 'query' : 'document';
  return runCorpusEncode({
    model: s.model, input: v.input, inputFormat: s.inputFormat, output: v.output, resume: v.resume, shard: v.shard, topK: s.topK, checkIds: !v['no-id-check'],
    workers: wholeNumber('workers', v.workers, { min: 1 }), window: wholeNumber('window', v.window, { min: 1 }),
    settings: {
      queryModel: v['query-model'], role, batchSize: s.batchSize, maxLength: role === 'query' ? queryMaxLength : s.maxLength,
      backend: backendOptionsFromFlags(v), ...dtypeOption(v.dtype), overflow, ...(truncation ? { truncation } : {}), stride, specialTokens, ...(prune ? { prune } : {}),
    },
    conflicting: [(v.text ?? []).length > 0 && '--text', v['input-ids'] !== undefined && '--input-ids', v.format && '--format', v.terms && '--terms'].filter((x): x is string => typeof x === 'string'),
  });
}

/** --input-ids: rows of token ids (the parity door), every weight above 0. */
async function encodeInputIds(v: EncodeValues & { 'input-ids': string }, s: EncodeSettings): Promise<number> {
  const conflicting = [(v.text ?? []).length > 0 && '--text', v.input && '--input', v.format && '--format', v.terms && '--terms', s.topK && '--top-k', s.maxLength && '--max-length', ...givenShapingFlags(v)]
    .filter(Boolean);
  if (conflicting.length > 0) throw new UsageError(`--input-ids takes no ${conflicting.join(', ')}: it prints every weight above 0`);
  const source = inputName(v['input-ids']);
  let rows: unknown;
  try {
    rows = JSON.parse(await readText(v['input-ids']));
  } catch (error) {
    if (error instanceof SpladeError) throw error;
    throw new SpladeError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const encoder = await SpladeEncoder.fromPretrained(s.model, s.encoderOptions);
  // encodeInputIds checks the parsed JSON field by field.
  const vectors = await encoder.encodeInputIds(rows as InputIdRows, { batchSize: s.batchSize, role: v.query ? 'query' : 'document', source });
  process.stdout.write(vectors.map((vector, row) => jsonLine('row', row, vector) + '\n').join(''));
  return 0;
}

/** --text and --input: texts, as JSON lines, terms or the model card's bag of words. */
async function encodeTexts(v: EncodeValues, s: EncodeSettings): Promise<number> {
  const format = s.format;
  const items: TextItem[] = (v.text ?? []).map((text, id) => ({ id, text, where: `--text number ${id + 1}`, idGiven: false }));
  if (v.input !== undefined) {
    items.push(...(await readTextItems(v.input, s.inputFormat, items.length)));
  }
  if (items.length === 0) {
    // --input was given: what is missing is in the file, not on the command line.
    if (v.input !== undefined) throw new SpladeError(`${inputName(v.input)} has no texts to encode (it is empty or has only blank lines)`);
    throw new UsageError('nothing to encode: give --text, --input or --input-ids');
  }
  checkUniqueIds(items);
  const encoder = await SpladeEncoder.fromPretrained(s.model, s.encoderOptions);
  const role = v.query ? 'query' : 'document';
  const { overflow, truncation, stride, prune, specialTokens } = s.shaping;
  const limits = await textLimits(encoder, role === 'query' ? v['query-model'] : undefined);
  if (limits) {
    const length = effectiveMaxLength(role === 'query' ? s.shaping.queryMaxLength : s.maxLength, limits, encoder.defaultMaxLength(role));
    // With --overflow chunk nothing is cut: the windows note below says what happened.
    // Counted on what the tokenizer is given (a sentence-transformers folder's prompt first).
    const notices = textNotices(limits.tokenizer, items.map((item) => encoder.tokenizerText(item.text, role)), length)
      .filter((notice) => overflow === 'truncate' || !notice.includes('truncated'));
    for (const notice of notices) process.stderr.write(notice + '\n');
  }
  const vectors = await encoder.encode(items.map((item) => item.text), {
    batchSize: s.batchSize,
    role,
    overflow,
    ...(truncation ? { truncation } : {}),
    stride,
    specialTokens,
    ...(prune ? { prune } : {}),
    onOverflow: (report) => process.stderr.write(overflow === 'chunk' ? overflowNote(report, overflow) ?? '' : ''),
  });
  if (v.query) process.stderr.write(queryRouteNote(encoder.queryRoute) ?? '');
  const topK = s.topK;
  const pruned = topK === undefined ? vectors : vectors.map((vector) => pruneTopK(vector, topK));
  // Terms are read with the vocabulary of the model that made the vector.
  const decodeOptions = { role } as const;
  const lines = pruned.map((vector, k) => {
    if (format === 'bow') return bowText(vectors[k].indices.length, encoder.decode(vector, decodeOptions));
    if (v.terms) return termsLine(items[k].id, encoder.decode(vector, decodeOptions)) + '\n';
    return jsonLine('id', items[k].id, vector) + '\n';
  });
  process.stdout.write(lines.join(format === 'bow' ? '\n' : ''));
  return 0;
}

export const command: Command = {
  usage,
  async run(args) {
    const v = parseCommandArgs(args, ENCODE_FLAGS).values;
    const settings = encodeSettings(v);
    const output = v.output;
    if (output !== undefined) return encodeCorpus({ ...v, output }, settings);
    const corpusOnly = [v.resume && '--resume', v.shard && '--shard', v.workers && '--workers', v.window && '--window', v['no-id-check'] && '--no-id-check'].filter(Boolean);
    if (corpusOnly.length > 0) throw new UsageError(`${corpusOnly.join(', ')}: only with --output FILE`);
    const inputIds = v['input-ids'];
    if (inputIds !== undefined) return encodeInputIds({ ...v, 'input-ids': inputIds }, settings);
    return encodeTexts(v, settings);
  },
};
