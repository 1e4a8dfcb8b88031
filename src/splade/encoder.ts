// SpladeEncoder: text (or token ids) in, SPLADE sparse vectors out.
import type { MaskedLM } from '../models/masked-lm.js';
import { loadMaskedLMNoted } from '../io/masked-lm.js';
import { InputError, bertInputFromRows, type BertInput, type InputIdRows } from '../models/bert/input.js';
import { SpladeError } from '../errors.js';
import { loadModelFolder, type ModelFolder } from '../io/model-folder.js';
import type { ModelFiles } from '../io/model-files.js';
import { locationFiles } from '../io/location-files.js';
import { disposeBackend, type Backend } from '../tensor/backend.js';
import { BackendOptionsError, type BackendInfo, type BackendOptions } from '../tensor/backend-options.js';
import { parseWeightDType, type WeightDType } from '../tensor/compact-weight.js';
import { createBackend } from '../tensor/create-backend.js';
import { hasTokenizerFiles, loadTokenizer, TOKENIZER_FILES_TEXT } from '../tokenizer/index.js';
import { decode, pruneTopK, sparseFromDense, type SparseVector } from './sparse-vector.js';
import { readSpladeFolderLayout, type PoolingActivation, type SpladeFolderLayout } from '../io/sparse-encoder-layout.js';
import { mlmTransformerText } from './mlm-text.js';
import { encodeTexts } from './encode-texts.js';
import { dropTerms, pruneVector } from './prune.js';
import { loadQueryRoute, specialTokenIds, type InferenceFreeQueries, type QueryRoute } from './query-routes.js';
import type { TextTokenizer } from './text-tokenizer.js';
import { checkDecodeOptions, checkEncodeArguments, checkEncoderOptions, checkInputIdsOptions, checkRole, checkText, type ModelLocation, type SpladeEncodeOptions, type SpladeEncoderOptions } from './encoder-options.js';

export type { ModelLocation, SpladeEncodeOptions, SpladeEncoderOptions } from './encoder-options.js';

export type { TextTokenizer } from './text-tokenizer.js';

/** Text given to a model folder that has no tokenizer files. */
export class MissingTokenizerError extends SpladeError {}

/** An encode asked of a SpladeEncoder after its `dispose()`. */
export class EncoderDisposedError extends SpladeError {}


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
    /** The layout's pooling, sentence-transformers' max_seq_length and text preparation. */
    private readonly layout: Pick<SpladeFolderLayout, 'poolingActivation' | 'maxSeqLength' | 'mlmText' | 'prompts'>,
    /** What loading noticed (see NotedMaskedLM.notes). */
    readonly notes: readonly string[],
  ) {}

  static async load(layout: SpladeFolderLayout, backend: Backend, tokenizer: TextTokenizer | undefined, dtype: WeightDType | undefined): Promise<LoadedModel> {
    const files = layout.documentFiles;
    const folder = await loadModelFolder(files);
    const { model, notes } = await loadMaskedLMNoted(folder.config, folder.weights, backend, dtype ? { dtype } : {});
    const tok = tokenizer ?? ((await hasTokenizerFiles(files)) ? await loadTokenizer(files) : undefined);
    return new LoadedModel(folder, model, tok, layout, notes);
  }

  /** SpladePooling's activation_function: 'log1p_relu' takes log(1 + x) of the pooled weights once more. */
  get pooling(): PoolingActivation {
    return this.layout.poolingActivation;
  }

  /**
   * sentence-transformers' max_seq_length for texts of `role`. Its MLMTransformer cuts every text
   * it encodes; beside a plain MLM folder (no modules.json) the file cuts documents only, as it
   * did before MLMTransformer's rules were read, so such a folder's queries stay as they were.
   */
  maxSeqLength(role: 'query' | 'document'): number | undefined {
    return this.layout.mlmText !== undefined || role === 'document' ? this.layout.maxSeqLength : undefined;
  }

  /** The folder's sentence-transformers prompt for texts of `role` ('' when none). */
  prompt(role: 'query' | 'document'): string {
    return this.layout.prompts?.[role] ?? '';
  }

  /** The text the tokenizer is given: in sentence-transformers layouts, the prompt and text as MLMTransformer prepares them. */
  textInput(text: string, role: 'query' | 'document'): string {
    const prompted = this.prompt(role) + text;
    return this.layout.mlmText ? mlmTransformerText(prompted, this.layout.mlmText) : prompted;
  }

  /** The dense SPLADE rows of one checked batch, as sparse vectors. */
  async splade(input: BertInput): Promise<SparseVector[]> {
    const { splade, lastHiddenState } = await this.model.forward(input, { splade: true });
    // Only the vectors are used: the hidden states' buffer can serve the next batch.
    this.model.backend.release?.(lastHiddenState);
    const vocab = this.model.sizes.vocab_size;
    const out: SparseVector[] = [];
    for (let b = 0; b < input.batch; b++) {
      const vector = sparseFromDense(splade!.data.subarray(b * vocab, (b + 1) * vocab));
      // log1p is increasing, so it commutes with the max pooling.
      if (this.pooling === 'log1p_relu') vector.values.forEach((v, k) => (vector.values[k] = Math.log1p(v)));
      out.push(vector);
    }
    return out;
  }

  requireTokenizer(): TextTokenizer {
    if (!this.tokenizer) {
      throw new MissingTokenizerError(
        `${this.folder.files.location}: the model folder has no tokenizer files (${TOKENIZER_FILES_TEXT}), so it cannot encode text; add them, or encode token ids (encodeInputIds, splade encode --input-ids)`,
      );
    }
    return this.tokenizer;
  }
}

/**
 * Turns text into SPLADE sparse vectors with a BertForMaskedLM, DistilBertForMaskedLM,
 * RobertaForMaskedLM or XLMRobertaForMaskedLM checkpoint.
 *
 * ```ts
 * const encoder = await SpladeEncoder.fromPretrained('weights/prithivida/Splade_PP_en_v1');
 * const [doc] = await encoder.encode(['The Manhattan Project ...']);
 * encoder.decode(doc, { topK: 10 }); // [['manhattan', 2.32], ['atomic', 1.74], ...]
 * ```
 */
export class SpladeEncoder {
  /** Set by dispose(): the backend's workers are stopped and its GPU memory freed. */
  private disposed = false;

  protected constructor(
    private readonly documentModel: LoadedModel,
    private readonly queryModel: LoadedModel,
    /** The folder's inference-free query route (idf.json, SparseStaticEmbedding), if any. */
    private readonly queries?: InferenceFreeQueries,
    /** maxLength and queryMaxLength as given. */
    private readonly lengths: { maxLength?: number; queryMaxLength?: number } = {},
  ) {}

  /**
   * The platform's `createBackend`: in browsers (this class) kernel threads are Web Workers;
   * the Node entry's SpladeEncoder binds worker_threads.
   */
  protected static createBackend(options: BackendOptions): Promise<Backend> {
    return createBackend(options);
  }

  /**
   * Where a string location points. In browsers (this class) a string is a URL, or a
   * Hugging Face repository id read from the hub when no model folder of that name is served
   * beside the page (io/location-files.ts); the Node entry point's SpladeEncoder reads it as a
   * folder path or a repository id, downloaded once.
   */
  protected static resolveLocation(location: string, options: SpladeEncoderOptions): ModelFiles | Promise<ModelFiles> {
    const { hubEndpoint, revision, onProgress, cache } = options;
    return locationFiles(location, { hubEndpoint, revision, onProgress, cache });
  }

  /**
   * Loads a model folder (config.json, weights, tokenizer files when present).
   * @param location a folder path or a Hugging Face repository id (Node: found under weights/,
   *   in the Hugging Face cache, or downloaded), a URL, a repository id read from the hub
   *   (browsers), or ModelFiles (in-memory files)
   * @throws InputError for an unknown option name (a typo such as `thread`), or a value of the
   *   wrong kind (maxLength and queryMaxLength: integers of at least 2; one above the model's
   *   max_position_embeddings is refused by encode); BackendOptionsError for backend options createBackend refuses,
   *   or options given next to a Backend instance; other SpladeError subclasses naming the
   *   folder, file and tensor at fault
   */
  static async fromPretrained(location: ModelLocation, options: SpladeEncoderOptions = {}): Promise<SpladeEncoder> {
    checkEncoderOptions(options);
    const dtype = options.dtype === undefined ? undefined : parseWeightDType(options.dtype, 'dtype');
    const backend = await this.backendFor(options);
    const files = async (where: ModelLocation): Promise<ModelFiles> =>
      typeof where === 'string' ? this.resolveLocation(where, options) : where;
    try {
      const layout = await readSpladeFolderLayout(await files(location));
      const documentModel = await LoadedModel.load(layout, backend, options.tokenizer, dtype);
      // A Router's query MLM takes the folder's prompts, as the Router's SparseEncoder gives them.
      const queryLayout = options.queryModel === undefined
        ? layout.queryModel && { ...layout.queryModel, ...(layout.prompts ? { prompts: layout.prompts } : {}) }
        : await readSpladeFolderLayout(await files(options.queryModel));
      const queryModel = queryLayout === undefined ? documentModel : await LoadedModel.load(queryLayout, backend, options.tokenizer, dtype);
      const queries = options.queryModel === undefined && layout.queryWeights
        ? await loadQueryRoute(layout.queryWeights, documentModel.tokenizer, options.tokenizer)
        : undefined;
      const { maxLength, queryMaxLength } = options;
      const encoder = new this(documentModel, queryModel, queries, { maxLength, queryMaxLength });
      for (const note of encoder.loadNotes) this.tellLoadNote(note, options);
      return encoder;
    } catch (error) {
      // A backend made here (GPU memory, workers) must not outlive a failed load.
      if (typeof options.backend !== 'object') disposeBackend(backend);
      throw error;
    }
  }

  /**
   * Where a load note goes: `onLoadNote` when given; in browsers (this class) nowhere else
   * (`loadNotes` keeps it), the Node entry's SpladeEncoder writes it to stderr.
   */
  protected static tellLoadNote(note: string, options: SpladeEncoderOptions): void {
    options.onLoadNote?.(note);
  }

  /** The Backend given, or one made from the options by the platform's createBackend. */
  private static async backendFor(options: SpladeEncoderOptions): Promise<Backend> {
    const { backend, threads, kernels, gpuMode, threadedMinMacs, wasmModule } = options;
    if (typeof backend === 'object') {
      const extra = Object.entries({ threads, kernels, gpuMode, threadedMinMacs, wasmModule }).filter(([, value]) => value !== undefined).map(([key]) => key);
      if (extra.length > 0) throw new BackendOptionsError(`${extra.join(', ')}: give these to createBackend, not next to a Backend instance`);
      return backend;
    }
    return this.createBackend({ backend, threads, kernels, gpuMode, threadedMinMacs, wasmModule });
  }

  /**
   * What computes, exactly: for example `{ backend: 'cpu', kernels: 'wasm-simd', threads: 4,
   * name: 'cpu-wasm-simd x4', notes: [] }` (see BackendInfo; `notes` say why when it is not
   * what was asked for).
   */
  get backendInfo(): BackendInfo {
    return this.documentModel.model.backend.info;
  }

  /**
   * What loading noticed that transformers would warn about, one sentence each (empty for a
   * folder that fits): a checkpoint's tensors the model did not use, e.g. layers past
   * config.json's num_hidden_layers. The Node entry's `fromPretrained` writes them to stderr
   * unless `onLoadNote` is given.
   */
  get loadNotes(): readonly string[] {
    const { notes } = this.documentModel;
    return this.queryModel === this.documentModel ? notes : [...notes, ...this.queryModel.notes];
  }

  /**
   * Releases the backend's resources (GPU memory, workers), a Backend given to fromPretrained
   * too. Afterwards encode, encodeQuery, encodeDocument and encodeInputIds throw
   * EncoderDisposedError; an encode already under way settles. A second call does nothing.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeBackend(this.documentModel.model.backend);
  }

  /** Refuses work once the backend is gone, which would otherwise run on stopped workers. */
  private requireUsable(call: string): void {
    if (this.disposed) throw new EncoderDisposedError(`${call}: the encoder was disposed (dispose() stops its backend); load a new one`);
  }

  /**
   * Which route encodes queries: 'model' (the MLM, or the query model), 'idf' (the folder's
   * idf.json) or 'sparse-static-embedding' (a sentence-transformers Router's query module).
   */
  get queryRoute(): QueryRoute {
    return this.queries?.route ?? 'model';
  }

  /** The document model (the only one unless a query model was given). */
  get model(): MaskedLM {
    return this.documentModel.model;
  }

  /** The document model's tokenizer, when its folder has one. */
  get tokenizer(): TextTokenizer | undefined {
    return this.documentModel.tokenizer;
  }

  /** How documents' vectors are pooled: log(1 + relu(x)), or log1p_relu's log(1 + log(1 + relu(x))) (a SpladePooling's config). */
  get poolingActivation(): PoolingActivation {
    return this.documentModel.pooling;
  }

  /**
   * The tokens a text of `role` is cut to when `encode` is given no maxLength ([CLS] and [SEP]
   * included): the option given to fromPretrained, else for a text the MLM encodes its
   * sentence-transformers folder's max_seq_length (beside a plain MLM folder, for documents
   * only), else the model's limit (its tokenizer's and position table's).
   * @throws InputError for a role other than 'query' or 'document'
   */
  defaultMaxLength(role: 'query' | 'document' = 'document'): number {
    checkRole('defaultMaxLength()', role);
    const loaded = role === 'query' ? this.queryModel : this.documentModel;
    const queries = this.inferenceFree(role);
    const tokenizer = queries ? queries.tokenizer : loaded.tokenizer;
    const positions = loaded.model.sizes.max_position_embeddings;
    const limit = Math.min(tokenizer?.modelMaxLength ?? positions, positions);
    const given = role === 'query' ? this.lengths.queryMaxLength : this.lengths.maxLength;
    // As sentence-transformers does, every text through its MLMTransformer is cut to max_seq_length.
    return given ?? (queries ? limit : Math.min(loaded.maxSeqLength(role) ?? limit, limit));
  }

  /**
   * The text the tokenizer is given for `text` of `role`. In a sentence-transformers layout,
   * the folder's prompt for the role (config_sentence_transformers.json) goes first, and where
   * its MLMTransformer encodes the text it is then stripped (Python's whitespace) and lowercased
   * when sentence_bert_config.json says do_lower_case, as MLMTransformer.tokenize prepares it;
   * an inference-free query route takes the prompted text as it is, as SparseStaticEmbedding
   * does. Otherwise the text as it is.
   */
  tokenizerText(text: string, role: 'query' | 'document' = 'document'): string {
    if (this.inferenceFree(role)) return this.documentModel.prompt('query') + text;
    return (role === 'query' ? this.queryModel : this.documentModel).textInput(text, role);
  }

  /** The folder's inference-free query route when texts of `role` take it (queries only). */
  private inferenceFree(role: 'query' | 'document'): InferenceFreeQueries | undefined {
    return role === 'query' ? this.queries : undefined;
  }

  /**
   * SPLADE vectors of texts, in input order. Texts are sorted by length and batched, each
   * batch padded to its longest text, so little work goes into padding.
   * @throws MissingTokenizerError when the model folder has no tokenizer files
   * @throws EncoderDisposedError after dispose(); InputError for a text that is not a string, an unknown option name or a value
   *   that is not one of its choices, a maxLength outside 2..max_position_embeddings, a
   *   batchSize below 1 or a stride that leaves no step; a SpladeError for a prune OpenSearch
   *   would refuse
   */
  async encode(texts: readonly string[], options: SpladeEncodeOptions = {}): Promise<SparseVector[]> {
    // From plain JavaScript a lone string is an easy mistake; it would fail deep inside as
    // 'texts.map is not a function'.
    if (!Array.isArray(texts)) throw new InputError(`encode() takes an array of texts, got ${typeof texts === 'string' ? 'a string (use encodeDocument or encodeQuery for one text)' : typeof texts}`);
    checkEncodeArguments(texts, options);
    this.requireUsable('encode()');
    const role = options.role ?? 'document';
    const loaded = role === 'query' ? this.queryModel : this.documentModel;
    const tokenizer = this.inferenceFree(role)?.tokenizer ?? loaded.requireTokenizer();
    const positions = loaded.model.sizes.max_position_embeddings;
    const maxLength = options.maxLength ?? this.defaultMaxLength(role);
    if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > positions) {
      throw new InputError(`maxLength must be an integer from 2 to max_position_embeddings (${positions}), got ${maxLength}`);
    }
    const batchSize = checkBatchSize(options.batchSize ?? DEFAULT_BATCH_SIZE);
    const truncation = options.truncation ?? tokenizer.truncationSide ?? 'right';
    let vectors: SparseVector[];
    const queries = this.inferenceFree(role);
    if (queries) {
      vectors = texts.map((text) => queries.encodeText(this.tokenizerText(text, role), maxLength, truncation));
    } else {
      const encoded = await encodeTexts(texts.map((text) => this.tokenizerText(text, role)), tokenizer, loaded.model.sizes, (input) => loaded.splade(input), {
        maxLength, batchSize, overflow: options.overflow ?? 'truncate', truncation, stride: options.stride ?? 0,
      });
      options.onOverflow?.({ overflowed: encoded.overflowed, texts: texts.length, windows: encoded.windows, maxLength });
      vectors = encoded.vectors;
    }
    return vectors.map((vector) => this.postprocess(vector, options, tokenizer));
  }

  /**
   * How many tokens `encode` would give the model for `text` of `role` before any cut, the
   * special tokens included: what `maxLength` is compared with. With `atMost` (2 or more),
   * counting stops there, which tells whether a text is longer than `atMost - 1` tokens
   * without tokenizing all of it.
   * @throws MissingTokenizerError when that model folder has no tokenizer files; InputError for
   *   a role other than 'query' or 'document'
   */
  tokenCount(text: string, role: 'query' | 'document' = 'document', atMost?: number): number {
    checkRole('tokenCount()', role);
    const loaded = role === 'query' ? this.queryModel : this.documentModel;
    const tokenizer = this.inferenceFree(role)?.tokenizer ?? loaded.requireTokenizer();
    return tokenizer.encode(this.tokenizerText(text, role), atMost === undefined ? {} : { maxLength: atMost, truncationSide: 'right' }).ids.length;
  }

  /** Special-token dropping, then pruning, then max_active_dims. */
  private postprocess(vector: SparseVector, options: SpladeEncodeOptions, tokenizer: TextTokenizer): SparseVector {
    let out = options.specialTokens === 'drop' ? dropTerms(vector, specialTokenIds(tokenizer)) : vector;
    if (options.prune) out = pruneVector(out, options.prune);
    if (options.maxActiveDims !== undefined) out = pruneTopK(out, options.maxActiveDims);
    return out;
  }

  /** The SPLADE vector of a query (with the query model when one was loaded). */
  async encodeQuery(text: string, options: Omit<SpladeEncodeOptions, 'role'> = {}): Promise<SparseVector> {
    checkText('encodeQuery()', 'the text', text);
    return (await this.encode([text], { ...options, role: 'query' }))[0];
  }

  /** The SPLADE vector of a document. */
  async encodeDocument(text: string, options: Omit<SpladeEncodeOptions, 'role'> = {}): Promise<SparseVector> {
    checkText('encodeDocument()', 'the text', text);
    return (await this.encode([text], { ...options, role: 'document' }))[0];
  }

  /**
   * SPLADE vectors of rows of token ids, one per row in order, every weight above 0: the
   * parity door of the API (the same object as the CLI's `--input-ids` file). Rows are run
   * as given (with their padding), `batchSize` rows at a time.
   * `source` names the rows in errors (default 'input'; the CLI gives the file's name).
   * @throws InputError for ragged rows, an id outside the vocabulary, a too long sequence, an
   *   unknown option or role;
   *   EncoderDisposedError after dispose()
   */
  async encodeInputIds(rows: InputIdRows, options: { batchSize?: number; role?: 'query' | 'document'; source?: string } = {}): Promise<SparseVector[]> {
    checkInputIdsOptions(options);
    this.requireUsable('encodeInputIds()');
    const loaded = options.role === 'query' ? this.queryModel : this.documentModel;
    const input = bertInputFromRows(rows, loaded.model.sizes, options.source);
    const queries = this.inferenceFree(options.role ?? 'document');
    if (queries) {
      // Inference-free: the real tokens of each row, weighted by the table.
      const { seq } = input;
      return Array.from({ length: input.batch }, (_, b) =>
        queries.encodeIds(input.inputIds.subarray(b * seq, (b + 1) * seq).filter((_, t) => input.attentionMask[b * seq + t] === 1)));
    }
    const batchSize = checkBatchSize(options.batchSize ?? DEFAULT_BATCH_SIZE);
    const out: SparseVector[] = [];
    for (let start = 0; start < input.batch; start += batchSize) {
      out.push(...(await loaded.splade(sliceRows(input, start, Math.min(input.batch, start + batchSize)))));
    }
    return out;
  }

  /**
   * The vector's terms as [token, weight], heaviest first (the model card's bag of words),
   * read with the vocabulary of the model that made the vector: `role: 'query'` for vectors
   * of `encodeQuery` (or `encode(texts, { role: 'query' })`) when a separate query model was
   * loaded; default 'document'.
   * @throws MissingTokenizerError when that model folder has no tokenizer files; InputError for
   *   an unknown option or role; SparseVectorError for a topK that is not a non-negative integer
   */
  decode(vector: SparseVector, options: { topK?: number; role?: 'query' | 'document' } = {}): Array<[token: string, weight: number]> {
    checkDecodeOptions(options);
    const tokenizer = options.role === 'query'
      ? this.queries?.tokenizer ?? this.queryModel.requireTokenizer()
      : this.documentModel.requireTokenizer();
    return decode(vector, (id) => tokenizer.idToToken(id), options);
  }
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
