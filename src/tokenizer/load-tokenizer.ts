// The tokenizer a model folder describes: BERT's WordPiece, RoBERTa's byte-level BPE or
// XLM-RoBERTa's SentencePiece Unigram, chosen from the files as transformers' AutoTokenizer
// would find them (tokenizer.json first, its model type deciding; else the slow tokenizer's
// vocabulary files).
import { BertTokenizer } from './bert-tokenizer.js';
import { ByteLevelBpeTokenizer } from './byte-level-bpe.js';
import { TokenizerError } from './errors.js';
import type { Tokenizer, TokenizerFiles } from './tokenizer.js';
import { isObject, parseJson } from './tokenizer-json.js';
import { UnigramTokenizer } from './unigram-tokenizer.js';

/** The file sets that hold a tokenizer, in the order they are looked for. */
export const TOKENIZER_FILE_SETS: ReadonlyArray<readonly string[]> = [['tokenizer.json'], ['vocab.txt'], ['vocab.json', 'merges.txt']];

/** "tokenizer.json, vocab.txt, or vocab.json with merges.txt", for messages. */
export const TOKENIZER_FILES_TEXT = 'tokenizer.json, vocab.txt, or vocab.json with merges.txt';

/** Whether `files` has one of the file sets a tokenizer is loaded from. */
export async function hasTokenizerFiles(files: TokenizerFiles): Promise<boolean> {
  for (const set of TOKENIZER_FILE_SETS) {
    const present = await Promise.all(set.map((name) => files.has(name)));
    if (present.every(Boolean)) return true;
  }
  return false;
}

/** The files, with tokenizer.json read once though the dispatcher and the tokenizer both read it. */
function withCachedText(files: TokenizerFiles, name: string, text: string): TokenizerFiles {
  return { location: files.location, has: (n) => files.has(n), readText: (n) => (n === name ? Promise.resolve(text) : files.readText(n)) };
}

/** The slow tokenizers' SentencePiece models, which splade-ts does not read (it reads their tokenizer.json). */
export const SENTENCEPIECE_MODEL_FILES: readonly string[] = ['sentencepiece.bpe.model', 'spiece.model', 'tokenizer.model'];

/** WordPiece, BPE or Unigram: tokenizer.json's model.type, or for files without one, what its fields say. */
function modelType(text: string, source: string): 'WordPiece' | 'BPE' | 'Unigram' {
  const model = parseJson(text, source).model;
  if (!isObject(model)) throw new TokenizerError(`${source} has no 'model'`);
  const type = model.type ?? ('merges' in model ? 'BPE' : Array.isArray(model.vocab) ? 'Unigram' : 'WordPiece');
  if (type === 'WordPiece' || type === 'BPE' || type === 'Unigram') return type;
  throw new TokenizerError(`${source}: model type ${JSON.stringify(type)} is not supported (WordPiece, BPE or Unigram)`);
}

/** Refuses a folder whose only tokenizer is a sentencepiece model (XLM-RoBERTa's slow layout). */
async function refuseSentencePieceOnly(files: TokenizerFiles): Promise<void> {
  for (const name of SENTENCEPIECE_MODEL_FILES) {
    if (await files.has(name)) {
      throw new TokenizerError(
        `${files.location} has ${name} but no tokenizer.json: splade-ts reads SentencePiece tokenizers from tokenizer.json only; write one with transformers (AutoTokenizer.from_pretrained(folder).save_pretrained(folder))`,
      );
    }
  }
}

/**
 * Loads the tokenizer of a model folder: tokenizer.json when present (a WordPiece model gives a
 * BertTokenizer, a BPE model a ByteLevelBpeTokenizer, a Unigram model a UnigramTokenizer);
 * else vocab.txt (BertTokenizer); else vocab.json + merges.txt (ByteLevelBpeTokenizer).
 * tokenizer_config.json and special_tokens_map.json, when present, give the settings.
 * @throws TokenizerError when the folder has none of these files (a sentencepiece model
 *   without tokenizer.json is named), or they cannot be used
 */
export async function loadTokenizer(files: TokenizerFiles): Promise<Tokenizer> {
  if (await files.has('tokenizer.json')) {
    const text = await files.readText('tokenizer.json');
    const cached = withCachedText(files, 'tokenizer.json', text);
    const type = modelType(text, `${files.location}/tokenizer.json`);
    if (type === 'Unigram') return UnigramTokenizer.fromModelFiles(cached);
    return type === 'BPE' ? ByteLevelBpeTokenizer.fromModelFiles(cached) : BertTokenizer.fromModelFiles(cached);
  }
  if (await files.has('vocab.txt')) return BertTokenizer.fromModelFiles(files);
  const [vocabJson, merges] = await Promise.all([files.has('vocab.json'), files.has('merges.txt')]);
  if (vocabJson && merges) return ByteLevelBpeTokenizer.fromModelFiles(files);
  await refuseSentencePieceOnly(files);
  throw new TokenizerError(`${files.location} has no tokenizer files (${TOKENIZER_FILES_TEXT}): no tokenizer to load`);
}
