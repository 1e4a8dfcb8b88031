// A Hugging Face model folder: config.json, weights, tokenizer files. Reads through
// ModelFiles, so it works the same on a disk folder, in-memory files or a URL.
import { SpladeError } from '../errors.js';
import type { TensorSource } from '../tensor/tensor-source.js';
import { parseModelConfigText, type ModelConfig } from './model-config.js';
import { ModelFilesError } from './model-files-error.js';
import type { ModelFiles } from './model-files.js';
import { DEFAULT_WEIGHT_FORMATS, type WeightFormat } from './weight-formats.js';

/** The settings of tokenizer_config.json that matter for BERT, plus the whole file. */
export interface TokenizerConfig {
  readonly do_lower_case?: boolean;
  readonly model_max_length?: number;
  readonly strip_accents?: boolean | null;
  readonly tokenize_chinese_chars?: boolean;
  /** The file as parsed. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** special_tokens_map.json with each token as its text ({ content } objects flattened). */
export type SpecialTokensMap = Readonly<Record<string, string>>;

/** A loaded model folder. */
export interface ModelFolder {
  readonly files: ModelFiles;
  /** config.json, parsed by its `model_type` (BertConfig or DistilBertConfig). */
  readonly config: ModelConfig;
  readonly weights: TensorSource;
  /** The format the weights were read in, e.g. 'safetensors'. */
  readonly weightFormat: string;
  /** The weight files read. */
  readonly weightFiles: readonly string[];
  /** Which tokenizer files the folder has (read them through `files`). */
  readonly hasVocabTxt: boolean;
  readonly hasTokenizerJson: boolean;
  readonly tokenizerConfig?: TokenizerConfig;
  readonly specialTokens?: SpecialTokensMap;
}

export interface LoadModelFolderOptions {
  /** Weight formats to try, in order (default {@link DEFAULT_WEIGHT_FORMATS}). */
  readonly weightFormats?: readonly WeightFormat[];
}

/**
 * Loads config.json (validated), the weights (the first format of `weightFormats` whose file
 * is present) and the tokenizer settings of a model folder.
 * @throws SpladeError subclasses naming the folder and the file at fault
 */
export async function loadModelFolder(files: ModelFiles, options: LoadModelFolderOptions = {}): Promise<ModelFolder> {
  const where = files.location;
  if (!(await files.has('config.json'))) throw new ModelFilesError(`${where}: no config.json (is this a Hugging Face model folder?)`);
  const config = parseModelConfigText(await files.readText('config.json'), `${where}/config.json`);

  const formats = options.weightFormats ?? DEFAULT_WEIGHT_FORMATS;
  let format: WeightFormat | undefined;
  for (const candidate of formats) {
    if (await files.has(candidate.file)) {
      format = candidate;
      break;
    }
  }
  if (!format) {
    throw new ModelFilesError(`${where}: no weights found (looked for ${formats.map((f) => f.file).join(', ')})`);
  }
  const weights = await format.load(files);

  const [hasVocabTxt, hasTokenizerJson] = await Promise.all([files.has('vocab.txt'), files.has('tokenizer.json')]);
  const tokenizerConfig = await readJsonIfPresent(files, 'tokenizer_config.json', parseTokenizerConfig);
  const specialTokens = await readJsonIfPresent(files, 'special_tokens_map.json', parseSpecialTokens);
  return {
    files,
    config,
    weights: weights.source,
    weightFormat: format.name,
    weightFiles: weights.files,
    hasVocabTxt,
    hasTokenizerJson,
    ...(tokenizerConfig ? { tokenizerConfig } : {}),
    ...(specialTokens ? { specialTokens } : {}),
  };
}

async function readJsonIfPresent<T>(files: ModelFiles, name: string, parse: (json: Record<string, unknown>, source: string) => T): Promise<T | undefined> {
  if (!(await files.has(name))) return undefined;
  const source = `${files.location}/${name}`;
  let json: unknown;
  try {
    json = JSON.parse(await files.readText(name));
  } catch (error) {
    if (error instanceof SpladeError) throw error;
    throw new ModelFilesError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelFilesError(`${source}: must be a JSON object`);
  }
  return parse(json as Record<string, unknown>, source);
}

/** Parses tokenizer_config.json's BERT settings; wrong types are errors naming the field. */
export function parseTokenizerConfig(json: Record<string, unknown>, source: string): TokenizerConfig {
  const fail = (field: string, what: string): never => {
    throw new ModelFilesError(`${source}: field '${field}' must be ${what}, got ${JSON.stringify(json[field])}`);
  };
  const out: { -readonly [K in keyof TokenizerConfig]: TokenizerConfig[K] } = { raw: json };
  const { do_lower_case, model_max_length, strip_accents, tokenize_chinese_chars } = json;
  if (do_lower_case !== undefined) {
    if (typeof do_lower_case !== 'boolean') fail('do_lower_case', 'true or false');
    out.do_lower_case = do_lower_case as boolean;
  }
  if (model_max_length !== undefined) {
    // transformers writes 1e30 ("no limit") for some tokenizers: keep it, callers clamp.
    if (typeof model_max_length !== 'number' || !(model_max_length > 0)) fail('model_max_length', 'a positive number');
    out.model_max_length = model_max_length as number;
  }
  if (strip_accents !== undefined) {
    if (strip_accents !== null && typeof strip_accents !== 'boolean') fail('strip_accents', 'true, false or null');
    out.strip_accents = strip_accents as boolean | null;
  }
  if (tokenize_chinese_chars !== undefined) {
    if (typeof tokenize_chinese_chars !== 'boolean') fail('tokenize_chinese_chars', 'true or false');
    out.tokenize_chinese_chars = tokenize_chinese_chars as boolean;
  }
  return out;
}

/** Parses special_tokens_map.json: each value a string or an AddedToken object `{ content }`. */
export function parseSpecialTokens(json: Record<string, unknown>, source: string): SpecialTokensMap {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === 'additional_special_tokens') continue; // a list, not one token
    const content = typeof value === 'string' ? value
      : typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string'
        ? (value as { content: string }).content
        : undefined;
    if (content === undefined) {
      throw new ModelFilesError(`${source}: '${key}' must be a token string or an object with 'content'`);
    }
    out[key] = content;
  }
  return out;
}
