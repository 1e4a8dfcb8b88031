// transformers' "Some weights of the model checkpoint at X were not used when initializing
// BertForMaskedLM: [...]": the tensors of a checkpoint that the model never read. Most often a
// wrong config.json (num_hidden_layers 6 over a 12-layer file: the model runs with half its
// layers) or a checkpoint of another architecture; loading goes on, as in transformers, and
// the note says so. The tensors transformers itself passes over without a word are left out.
import type { ModelType } from '../models/masked-lm.js';
import type { TensorSource } from '../tensor/tensor-source.js';

/** How many unused names the note lists before "and N more". */
const LISTED = 5;

/**
 * Tensors each family's MLM class leaves unread without a warning: buffers (position_ids),
 * the pooler (`_keys_to_ignore_on_load_unexpected`), decoders tied to the word embeddings,
 * and BERT's next-sentence head (bert-base-uncased's BertForPreTraining layout).
 */
const IGNORED: Record<ModelType, readonly RegExp[]> = {
  bert: [/(^|\.)position_ids$/, /(^|\.)pooler\./, /^cls\.seq_relationship\./, /^cls\.predictions\.decoder\.(weight|bias)$/],
  distilbert: [/(^|\.)position_ids$/, /^vocab_projector\.weight$/],
  roberta: [/(^|\.)position_ids$/, /(^|\.)pooler\./, /^lm_head\.decoder\.(weight|bias)$/],
};

/** `source` with every tensor name the loader asks about recorded in `used`. */
export function recordingSource(source: TensorSource): { source: TensorSource; used: ReadonlySet<string> } {
  const used = new Set<string>();
  const seen = <A extends unknown[], R>(read: (name: string, ...rest: A) => R) => (name: string, ...rest: A): R => {
    used.add(name);
    return read(name, ...rest);
  };
  const { int8, readInt8, readFloat32, float16Bits } = source;
  const recorded: TensorSource = {
    description: source.description,
    names: () => source.names(),
    info: seen((name) => source.info(name)),
    float32: seen((name) => source.float32(name)),
    // The optional readers stay absent where the source lacks them: the loader asks whether they exist.
    ...(readFloat32 && { readFloat32: seen((name, offset: number, out: Float32Array) => readFloat32.call(source, name, offset, out)) }),
    ...(int8 && { int8: seen((name) => int8.call(source, name)) }),
    ...(readInt8 && { readInt8: seen((name, out: Int8Array) => readInt8.call(source, name, out)) }),
    ...(float16Bits && { float16Bits: seen((name) => float16Bits.call(source, name)) }),
  };
  return { source: recorded, used };
}

/** The checkpoint's tensors that `used` lacks and transformers would warn about, in file order. */
export function unusedTensors(source: TensorSource, used: ReadonlySet<string>, modelType: ModelType): string[] {
  const ignored = IGNORED[modelType];
  return source.names().filter((name) => !used.has(name) && !ignored.some((pattern) => pattern.test(name)));
}

/**
 * The note on tensors `architecture` did not use (undefined when there are none): where they
 * are, the first few names and how many in all.
 */
export function unusedTensorsNote(unused: readonly string[], description: string, architecture: string): string | undefined {
  if (unused.length === 0) return undefined;
  const listed = unused.slice(0, LISTED).join(', ');
  const more = unused.length > LISTED ? ` and ${unused.length - LISTED} more` : '';
  const count = unused.length === 1 ? '1 tensor was' : `${unused.length} tensors were`;
  return `${description}: ${count} not used by ${architecture} (is config.json right for this checkpoint?): ${listed}${more}`;
}
