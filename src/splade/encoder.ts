// SpladeEncoder: text (or token ids) in, SPLADE sparse vectors out.
import type { MaskedLM } from '../models/masked-lm.js';
import { loadMaskedLM } from '../io/masked-lm.js';
import { InputError, bertInputFromRows, type BertInput, type InputIdRows } from '../models/bert/input.js';
import { SpladeError } from '../errors.js';
import { loadModelFolder, type ModelFolder } from '../io/model-folder.js';
import type { ModelFiles } from '../io/model-files.js';
import { urlModelFiles } from '../io/url-model-files.js';
import { disposeBackend, type Backend } from '../tensor/backend.js';
import { createWebBackend } from '../tensor/cpu/web-backend.js';
import { selectBackend, type BackendChoice, type GpuMode } from '../tensor/select-backend.js';
import { BertTokenizer } from '../tokenizer/index.js';
import { decode, sparseFromDense, type SparseVector } from './sparse-vector.js';

/** What the encoder needs of a tokenizer (BertTokenizer has it). */
export interface TextTokenizer {
  encode(text: string, options?: { maxLength?: number; addSpecialTokens?: boolean }): { ids: number[] };
  idToToken(id: number): string | undefined;
  readonly modelMaxLength: number;
  readonly padTokenId: number;
}

/** Text given to a model folder that has no tokenizer files. */
export class MissingTokenizerError extends SpladeError {}

/** Where a model is: a folder path (Node) or URL (browsers), or its files. */
export type ModelLocation = string | ModelFiles;

export interface SpladeEncoderOptions {
  /**
   * The kernels: a Backend, or `'cpu'` (default: WebAssembly SIMD kernels where the runtime has
   * them, with worker threads under Node and Web Workers in cross-origin isolated browser
   * contexts), `'gpu'` (gpu.js) or `'auto'` (a GPU through gpu.js when
   * there is one, else the CPU). `backendInfo` says which runs. Other CPU kernels:
   * `createBackend({ backend: 'reference' | 'typescript' | 'wasm-simd' })`.
   */
  readonly backend?: Backend | BackendChoice;
  /** The gpu.js mode (with backend `gpu` or `auto`); one that is not available is an error. */
  readonly gpuMode?: GpuMode;
  /** A separate model for queries (some SPLADE families have one); default: the same model. */
  readonly queryModel?: ModelLocation;
  /** Use this tokenizer instead of the folder's tokenizer files. */
  readonly tokenizer?: TextTokenizer;
}

export interface SpladeEncodeOptions {
  /** Sequences per forward pass (default 16). */
  readonly batchSize?: number;
  /** Truncate to this many tokens, [CLS] and [SEP] included (default: the model's limit). */
  readonly maxLength?: number;
  /** Which model encodes the texts when a separate query model was loaded (default 'document'). */
  readonly role?: 'query' | 'document';
}

const DEFAULT_BATCH_SIZE = 16;

function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InputError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  return batchSize;
}

/** One loaded model folder: the network and, when the folder has one, its tokenizer. */
class LoadedModel {
  constructor(
    readonly folder: ModelFolder,
    readonly model: MaskedLM,
    readonly tokenizer: TextTokenizer | undefined,
  ) {}

  static async load(files: ModelFiles, backend: Backend, tokenizer: TextTokenizer | undefined): Promise<LoadedModel> {
    const folder = await loadModelFolder(files);
    const model = await loadMaskedLM(folder.config, folder.weights, backend);
    const hasTokenizerFiles = folder.hasVocabTxt || folder.hasTokenizerJson;
    const tok = tokenizer ?? (hasTokenizerFiles ? await BertTokenizer.fromModelFiles(files) : undefined);
    return new LoadedModel(folder, model, tok);
  }

  /** The dense SPLADE rows of one checked batch, as sparse vectors. */
  async splade(input: BertInput): Promise<SparseVector[]> {
    const { splade } = await this.model.forward(input, { splade: true });
    const vocab = this.model.sizes.vocab_size;
    const out: SparseVector[] = [];
    for (let b = 0; b < input.batch; b++) out.push(sparseFromDense(splade!.data.subarray(b * vocab, (b + 1) * vocab)));
    return out;
  }

  requireTokenizer(): TextTokenizer {
    if (!this.tokenizer) {
      throw new MissingTokenizerError(
        `${this.folder.files.location}: the model folder has no tokenizer files (vocab.txt or tokenizer.json), so it cannot encode text; add them, or encode token ids (encodeInputIds, splade encode --input-ids)`,
      );
    }
    return this.tokenizer;
  }
}

/**
 * Turns text into SPLADE sparse vectors with a BertForMaskedLM or DistilBertForMaskedLM checkpoint.
 *
 * ```ts
 * const encoder = await SpladeEncoder.fromPretrained('weights/prithivida/Splade_PP_en_v1');
 * const [doc] = await encoder.encode(['The Manhattan Project ...']);
 * encoder.decode(doc, { topK: 10 }); // [['manhattan', 2.32], ['atomic', 1.74], ...]
 * ```
 */
export class SpladeEncoder {
  protected constructor(
    private readonly documentModel: LoadedModel,
    private readonly queryModel: LoadedModel,
  ) {}

  /**
   * The CPU backend of `backend: 'cpu'`: in browsers, Web Workers where the context is
   * cross-origin isolated (see createWebBackend), else one thread; the Node entry's
   * SpladeEncoder uses worker threads.
   */
  protected static defaultBackend(): Backend | Promise<Backend> {
    return createWebBackend();
  }

  /**
   * Where a string location points. In browsers (this class) a string is a URL; the Node
   * entry point's SpladeEncoder reads it as a folder path.
   */
  protected static resolveLocation(location: string): ModelFiles | Promise<ModelFiles> {
    return urlModelFiles(location);
  }

  /**
   * Loads a model folder (config.json, weights, tokenizer files when present).
   * @param location a folder path (Node), a URL, or ModelFiles (in-memory files)
   * @throws SpladeError subclasses naming the folder, file and tensor at fault
   */
  static async fromPretrained(location: ModelLocation, options: SpladeEncoderOptions = {}): Promise<SpladeEncoder> {
    const backend = await selectBackend(options, () => this.defaultBackend());
    const files = async (where: ModelLocation): Promise<ModelFiles> =>
      typeof where === 'string' ? this.resolveLocation(where) : where;
    try {
      const documentModel = await LoadedModel.load(await files(location), backend, options.tokenizer);
      const queryModel = options.queryModel === undefined
        ? documentModel
        : await LoadedModel.load(await files(options.queryModel), backend, options.tokenizer);
      return new this(documentModel, queryModel);
    } catch (error) {
      // A backend made here (GPU memory, workers) must not outlive a failed load.
      if (typeof options.backend !== 'object') disposeBackend(backend);
      throw error;
    }
  }

  /** What computes: the backend's name, for example `cpu-reference` or `gpu.js webgl2`. */
  get backendInfo(): string {
    return this.documentModel.model.backend.name;
  }

  /** Releases the backend's resources (GPU memory, workers); the encoder is unusable afterwards. */
  dispose(): void {
    disposeBackend(this.documentModel.model.backend);
  }

  /** The document model (the only one unless a query model was given). */
  get model(): MaskedLM {
    return this.documentModel.model;
  }

  /** The document model's tokenizer, when its folder has one. */
  get tokenizer(): TextTokenizer | undefined {
    return this.documentModel.tokenizer;
  }

  /**
   * SPLADE vectors of texts, in input order. Texts are sorted by length and batched, each
   * batch padded to its longest text, so little work goes into padding.
   * @throws MissingTokenizerError when the model folder has no tokenizer files
   */
  async encode(texts: readonly string[], options: SpladeEncodeOptions = {}): Promise<SparseVector[]> {
    const loaded = options.role === 'query' ? this.queryModel : this.documentModel;
    const tokenizer = loaded.requireTokenizer();
    const config = loaded.model.sizes;
    const limit = Math.min(tokenizer.modelMaxLength, config.max_position_embeddings);
    const maxLength = options.maxLength ?? limit;
    if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > config.max_position_embeddings) {
      throw new InputError(`maxLength must be an integer from 2 to max_position_embeddings (${config.max_position_embeddings}), got ${maxLength}`);
    }
    const batchSize = checkBatchSize(options.batchSize ?? DEFAULT_BATCH_SIZE);
    const ids = texts.map((text) => tokenizer.encode(text, { maxLength }).ids);
    ids.forEach((row, i) => {
      const outside = row.find((id) => id >= config.vocab_size);
      if (outside !== undefined) {
        throw new InputError(
          `text ${i}: token '${tokenizer.idToToken(outside)}' has id ${outside}, outside the model's vocabulary (vocab_size = ${config.vocab_size}): the tokenizer files do not match the model`,
        );
      }
    });
    const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length || a - b);
    const results = new Array<SparseVector>(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const members = order.slice(start, start + batchSize);
      const input = padBatch(members.map((i) => ids[i]), tokenizer.padTokenId);
      const vectors = await loaded.splade(bertInputFromRows(input, config));
      members.forEach((i, k) => (results[i] = vectors[k]));
    }
    return results;
  }

  /** The SPLADE vector of a query (with the query model when one was loaded). */
  async encodeQuery(text: string, options: Omit<SpladeEncodeOptions, 'role'> = {}): Promise<SparseVector> {
    return (await this.encode([text], { ...options, role: 'query' }))[0];
  }

  /** The SPLADE vector of a document. */
  async encodeDocument(text: string, options: Omit<SpladeEncodeOptions, 'role'> = {}): Promise<SparseVector> {
    return (await this.encode([text], { ...options, role: 'document' }))[0];
  }

  /**
   * SPLADE vectors of rows of token ids, one per row in order, every weight above 0: the
   * parity door of the API (the same object as the CLI's `--input-ids` file). Rows are run
   * as given (with their padding), `batchSize` rows at a time.
   * @throws InputError for ragged rows, an id outside the vocabulary, a too long sequence
   */
  async encodeInputIds(rows: InputIdRows, options: { batchSize?: number; role?: 'query' | 'document' } = {}): Promise<SparseVector[]> {
    const loaded = options.role === 'query' ? this.queryModel : this.documentModel;
    const input = bertInputFromRows(rows, loaded.model.sizes);
    const batchSize = checkBatchSize(options.batchSize ?? DEFAULT_BATCH_SIZE);
    const out: SparseVector[] = [];
    for (let start = 0; start < input.batch; start += batchSize) {
      out.push(...(await loaded.splade(sliceRows(input, start, Math.min(input.batch, start + batchSize)))));
    }
    return out;
  }

  /**
   * The vector's terms as [token, weight], heaviest first (the model card's bag of words).
   * @throws MissingTokenizerError when the model folder has no tokenizer files
   */
  decode(vector: SparseVector, options: { topK?: number } = {}): Array<[token: string, weight: number]> {
    const tokenizer = this.documentModel.requireTokenizer();
    return decode(vector, (id) => tokenizer.idToToken(id), options);
  }
}

/** Rows of ids padded on the right to the longest, with the attention mask. */
function padBatch(rows: readonly number[][], padId: number): InputIdRows {
  const seq = Math.max(...rows.map((row) => row.length));
  return {
    input_ids: rows.map((row) => [...row, ...new Array<number>(seq - row.length).fill(padId)]),
    attention_mask: rows.map((row) => [...new Array<number>(row.length).fill(1), ...new Array<number>(seq - row.length).fill(0)]),
  };
}

function sliceRows(input: BertInput, from: number, to: number): BertInput {
  const { seq } = input;
  return {
    batch: to - from,
    seq,
    inputIds: input.inputIds.subarray(from * seq, to * seq),
    attentionMask: input.attentionMask.subarray(from * seq, to * seq),
    tokenTypeIds: input.tokenTypeIds.subarray(from * seq, to * seq),
  };
}
