// `splade inspect`: one forward pass, its activations written under the names PyTorch users
// know (transformers' hidden_states/attentions tuples, logits, Hugging Face module names), as
// safetensors (loads with safetensors.torch.load_file) or JSON.
import { matchesCapturePattern } from '../../models/bert/capture.js';
import { bertInputFromRows, type BertInput } from '../../models/bert/input.js';
import { SpladeError } from '../../errors.js';
import { dumpActivations, type NamedTensors } from '../../inspect/dump.js';
import { dumpToJsonPieces } from '../../inspect/json-dump.js';
import { textBatch } from '../../inspect/text-batch.js';
import { AtomicFileWriter } from '../../node/atomic-writer.js';
import { writeSafetensorsFile } from '../../node/safetensors-file.js';
import { SpladeEncoder } from '../../node/splade-encoder.js';
import { MissingTokenizerError } from '../../splade/encoder.js';
import type { TensorToWrite } from '../../formats/safetensors-writer.js';
import { TOKENIZER_FILES_TEXT } from '../../tokenizer/index.js';
import { BACKEND_FLAGS, backendUsage, backendOptionsFromFlags } from '../backend-flags.js';
import { inputName } from '../../node/corpus/input-bytes.js';
import { parseCommandArgs, wholeNumber } from '../args.js';
import { dtypeUsage, dtypeOption } from '../dtype-option.js';
import { UsageError, type Command } from '../command.js';
import { cleanUpWhenInterrupted } from '../interrupted.js';
import { readText } from '../input-lines.js';
import { checkOutputOutsideModel, checkOutputPath } from '../output-path.js';
import { effectiveMaxLength, textNotices } from '../text-limits.js';

const usage = `usage: splade inspect --model DIR|REPO_ID (--text TEXT... | --input-ids FILE|-) [what] --out FILE [options]
       splade inspect --model DIR|REPO_ID --list

Runs the model once and writes activations by the names transformers uses, with input_ids
and attention_mask (I64), and the tokens (in the JSON, and in the safetensors __metadata__
as "tokens", a JSON list of rows). --model takes a model folder or a Hugging Face repository
id (owner/name).

input:
  --text TEXT          a text (repeatable: several texts are padded into one batch)
  --input-ids FILE|-   {"input_ids": [[...]], "attention_mask"?, "token_type_ids"?}, the file
                       of splade encode --input-ids
  --max-length N       truncate texts to N tokens, [CLS] and [SEP] included (at most the
                       model's max_position_embeddings)

what (at least one):
  --hidden-states      hidden_states.0 (embeddings) .. hidden_states.L   [batch, tokens, hidden]
  --attentions         attentions.0 .. attentions.L-1 (softmax probabilities, padded query
                       rows included as transformers returns them)  [batch, heads, tokens, tokens]
  --logits             logits, the MLM head's output  [batch, tokens, vocab]
  --capture PATTERN    a module by its Hugging Face name, * matching one part
                       (bert.encoder.layer.*.intermediate, distilbert.transformer.layer.*.ffn);
                       repeatable; --list shows the model's names

output:
  --out FILE           FILE.safetensors (F32 tensors) or FILE.json (nested lists), written
                       whole or not at all
  --list               print every capturable name with its shape, and exit
${dtypeUsage(23)}

what computes:
${backendUsage(23)}

Interrupted (Ctrl-C, SIGTERM), it removes its temporary file and exits with status 130
(SIGTERM: 143); the --out file is left as it was.`;

function parse(args: string[]) {
  return parseCommandArgs(args, {
    model: { type: 'string' },
    text: { type: 'string', multiple: true },
    'input-ids': { type: 'string' },
    'max-length': { type: 'string' },
    'hidden-states': { type: 'boolean' },
    attentions: { type: 'boolean' },
    logits: { type: 'boolean' },
    capture: { type: 'string', multiple: true },
    out: { type: 'string' },
    list: { type: 'boolean' },
    ...BACKEND_FLAGS,
    dtype: { type: 'string' },
  }).values;
}

async function readIdsFile(path: string): Promise<unknown> {
  const source = inputName(path);
  const text = await readText(path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SpladeError(`${source}: not valid JSON (${(error as Error).message})`);
  }
}

function listNames(encoder: SpladeEncoder): string {
  const names = encoder.model.capturableNames();
  const shapes = names.map((n) => `[${n.shape.join(', ')}]`);
  const width = Math.max(...names.map((n) => n.name.length));
  const shapeWidth = Math.max(...shapes.map((s) => s.length));
  return names.map((n, i) => `${n.name.padEnd(width)}  ${shapes[i].padEnd(shapeWidth)}  ${n.description}`).join('\n') + '\n';
}

/** A --capture pattern that names no module is a bad option value: said before the model runs. */
function checkCapturePatterns(patterns: readonly string[], encoder: SpladeEncoder): void {
  const names = encoder.model.capturableNames().map((n) => n.name);
  const unknown = patterns.filter((pattern) => !names.some((name) => matchesCapturePattern(pattern, name)));
  if (unknown.length > 0) {
    const quoted = unknown.map((pattern) => `'${pattern}'`).join(', ');
    throw new UsageError(`--capture ${quoted} ${unknown.length === 1 ? 'names' : 'name'} no module of this model (--list shows every name)`);
  }
}

function toInt64(values: ArrayLike<number>): BigInt64Array {
  return BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
}

/** Writes the JSON dump piece by piece: it can be larger than one string holds (about 512 MiB). */
async function writeJsonDump(out: string, pieces: Iterable<string>): Promise<void> {
  const file = await AtomicFileWriter.open(out);
  try {
    for (const piece of pieces) await file.write(piece);
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}

async function writeDump(out: string, input: BertInput, tokens: string[][] | undefined, tensors: NamedTensors): Promise<void> {
  if (out.endsWith('.json')) {
    await writeJsonDump(out, dumpToJsonPieces({ ...input, tokens }, tensors));
    return;
  }
  const shape = [input.batch, input.seq];
  const entries: Array<readonly [string, TensorToWrite]> = [
    ['input_ids', { dtype: 'I64', shape, data: toInt64(input.inputIds) }],
    ['attention_mask', { dtype: 'I64', shape, data: toInt64(input.attentionMask) }],
    ...tensors.map(([name, tensor]) => [name, { dtype: 'F32', shape: tensor.shape, data: tensor.data }] as const),
  ];
  await writeSafetensorsFile(out, entries, { format: 'pt', ...(tokens ? { tokens: JSON.stringify(tokens) } : {}) });
}

export const command: Command = {
  usage,
  async run(args) {
    const v = parse(args);
    if (v.model === undefined) throw new UsageError('--model DIR|REPO_ID is required');
    const backendOptions = backendOptionsFromFlags(v);
    if (v.list) {
      const encoder = await SpladeEncoder.fromPretrained(v.model, { ...backendOptions, ...dtypeOption(v.dtype) });
      process.stdout.write(listNames(encoder));
      return 0;
    }
    const texts = v.text ?? [];
    if ((texts.length > 0) === (v['input-ids'] !== undefined)) throw new UsageError('give either --text or --input-ids');
    if (v['input-ids'] !== undefined && v['max-length'] !== undefined) throw new UsageError('--max-length applies to --text only');
    if (!v['hidden-states'] && !v.attentions && !v.logits && !v.capture) {
      throw new UsageError('nothing to write: give --hidden-states, --attentions, --logits or --capture');
    }
    if (v.out === undefined || !/\.(safetensors|json)$/.test(v.out)) throw new UsageError('--out FILE.safetensors or FILE.json is required');
    const out = { flag: '--out', path: v.out };
    await checkOutputPath(out, [v['input-ids'] === undefined ? undefined : { flag: '--input-ids', path: v['input-ids'] }]);
    await checkOutputOutsideModel(out, { flag: '--model', path: v.model });
    const maxLength = wholeNumber('max-length', v['max-length'], { min: 2 });
    // Read the ids file before loading the model, so a bad file fails fast.
    const idsFile = v['input-ids'] === undefined ? undefined : await readIdsFile(v['input-ids']);
    const encoder = await SpladeEncoder.fromPretrained(v.model, { ...backendOptions, ...dtypeOption(v.dtype) });
    const { model, tokenizer } = encoder;
    checkCapturePatterns(v.capture ?? [], encoder);
    let rows: unknown = idsFile;
    if (idsFile === undefined) {
      if (!tokenizer) throw new MissingTokenizerError(`${v.model}: the model folder has no tokenizer files (${TOKENIZER_FILES_TEXT}); give --input-ids instead of --text`);
      const length = effectiveMaxLength(maxLength, { tokenizer, maxPositions: model.sizes.max_position_embeddings });
      for (const notice of textNotices(tokenizer, texts, length)) process.stderr.write(notice + '\n');
      rows = textBatch(tokenizer, texts, length);
    }
    const source = v['input-ids'] === '-' ? 'stdin' : v['input-ids'] ?? 'text';
    const input = bertInputFromRows(rows, model.sizes, source);
    const tensors = await dumpActivations(model, input, {
      capture: v.capture ?? [],
      hiddenStates: v['hidden-states'] ?? false,
      attentions: v.attentions ?? false,
      logits: v.logits ?? false,
    });
    const tokens = tokenizer && Array.from({ length: input.batch }, (_, b) =>
      Array.from(input.inputIds.subarray(b * input.seq, (b + 1) * input.seq), (id) => tokenizer.idToToken(id) ?? `[${id}]`));
    // Stopped by Ctrl-C or kill, the run leaves no temporary file behind.
    cleanUpWhenInterrupted(v.out);
    await writeDump(v.out, input, tokens, tensors);
    const names = tensors.map(([name]) => name);
    const shown = names.length > 8 ? [...names.slice(0, 8), `... (${names.length} tensors)`] : names;
    process.stderr.write(`wrote ${v.out}: input_ids [${input.batch}, ${input.seq}], ${shown.join(', ')}\n`);
    return 0;
  },
};
