// UnigramTokenizer: text → SentencePiece Unigram ids, id for id and offset for offset what
// Hugging Face's XLMRobertaTokenizerFast (the Rust `tokenizers` library) gives. Pipeline, as
// in Rust: added and special tokens written in the text are cut out first; each stretch
// between them is normalized (Precompiled, Replace, …) keeping where each character came
// from, then normalized added tokens are cut out, the rest is pre-tokenized by Metaspace ("▁"
// for spaces, cut before each "▁"), each word segmented by the Unigram model; then <s> … </s>
// put around the tokens.
import { AddedTokenMatcher, resolveAddedTokenIds, type AddedToken } from './added-tokens.js';
import { parseRobertaFamilyConfig } from './bpe-config.js';
import { trimOffsets } from './byte-level-offsets.js';
import { checkTruncationSide, type TruncationSide } from './truncation.js';
import { checkText, encodeAndPad, encodingAround, tokenLimit, tokensToDecode, TokenSink } from './encoding.js';
import { TokenizerError } from './errors.js';
import { decodeMetaspace, metaspaceWords } from './metaspace.js';
import { NormalizedString } from './normalized-string.js';
import { applySpmNormalizer } from './spm-normalizer.js';
import type { BatchEncoding, DecodeOptions, EncodeOptions, Encoding, Tokenizer, TokenizerFiles } from './tokenizer.js';
import { UnigramModel } from './unigram-model.js';
import { settingsFromUnigramTokenizerJson, type UnigramSettings } from './unigram-settings.js';
import { replaceLoneSurrogates } from './unicode.js';

/** A SentencePiece Unigram tokenizer (XLMRobertaTokenizerFast and its kin), from tokenizer.json. */
export class UnigramTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly modelMaxLength: number;
  readonly truncationSide: TruncationSide;
  readonly padTokenId: number;
  /** <s>'s id: the token the post-processor puts first (undefined without one). */
  readonly clsTokenId: number | undefined;
  /** </s>'s id: the token the post-processor puts last (undefined without one). */
  readonly sepTokenId: number | undefined;
  /** The unknown token's id (model.unk_id). */
  readonly unkTokenId: number;
  /** <mask>'s id, when the vocabulary has it. */
  readonly maskTokenId: number | undefined;

  private readonly model: UnigramModel;
  private readonly rawAddedTokens: AddedTokenMatcher;
  private readonly normalizedAddedTokens: AddedTokenMatcher;
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  /** Normalized added tokens whose normalized content differs, by id: what decode shows. */
  private readonly decodedAddedTokens = new Map<number, string>();
  /** The special added tokens' contents: what decode skips. */
  private readonly specialTokens: ReadonlySet<string>;

  /** Prefer the static constructors; `settings` is the whole tokenizer description. */
  constructor(private readonly settings: UnigramSettings) {
    this.model = new UnigramModel(settings.model);
    const addedTokens = resolveAddedTokenIds(settings.addedTokens, this.model.vocab);
    for (const token of addedTokens) {
      this.addedById.set(token.id, token);
      this.addedByContent.set(token.content, token);
    }
    this.rawAddedTokens = new AddedTokenMatcher(addedTokens.filter((t) => !t.normalized).map((token) => ({ pattern: token.content, token })));
    // Rust looks for normalized added tokens by their normalized content.
    const normalizedTokens = addedTokens.filter((t) => t.normalized).map((token) => ({ pattern: this.normalize(token.content).text, token }));
    this.normalizedAddedTokens = new AddedTokenMatcher(normalizedTokens);
    // Rust decodes a normalized added token as its normalized content.
    for (const { pattern, token } of normalizedTokens) if (pattern !== token.content) this.decodedAddedTokens.set(token.id, pattern);
    this.specialTokens = new Set(addedTokens.filter((t) => t.special).map((t) => t.content));
    this.vocabSize = addedTokens.reduce((size, token) => Math.max(size, token.id + 1), settings.model.vocab.length);
    this.modelMaxLength = settings.modelMaxLength;
    this.truncationSide = checkTruncationSide(settings.truncationSide) ?? 'right';
    this.unkTokenId = this.model.unkId;
    this.clsTokenId = settings.postProcessor?.before[0]?.[1];
    this.sepTokenId = settings.postProcessor?.after.at(-1)?.[1];
    this.maskTokenId = this.tokenToId(settings.maskToken);
    const pad = this.tokenToId(settings.padToken);
    if (pad === undefined) throw new TokenizerError(`${settings.model.source}: the vocabulary has no padding token '${settings.padToken}'`);
    this.padTokenId = pad;
    for (const [token, id] of [...(settings.postProcessor?.before ?? []), ...(settings.postProcessor?.after ?? [])]) {
      if (id >= this.vocabSize) throw new TokenizerError(`${settings.model.source}: post_processor's ${token} has id ${id}, past the vocabulary (${this.vocabSize})`);
    }
  }

  /** A tokenizer from the text of a tokenizer.json with a Unigram model. */
  static fromTokenizerJson(json: string, source = 'tokenizer.json'): UnigramTokenizer {
    return new UnigramTokenizer(settingsFromUnigramTokenizerJson(json, source));
  }

  /**
   * A tokenizer from a model folder, as `XLMRobertaTokenizerFast.from_pretrained` reads it:
   * tokenizer.json, with tokenizer_config.json and special_tokens_map.json, when present, for
   * model_max_length and the padding and mask tokens.
   */
  static async fromModelFiles(files: TokenizerFiles): Promise<UnigramTokenizer> {
    const readIfThere = async (name: string): Promise<string | undefined> => ((await files.has(name)) ? files.readText(name) : undefined);
    const tokenizerJson = await readIfThere('tokenizer.json');
    if (tokenizerJson === undefined) throw new TokenizerError(`${files.location} has no tokenizer.json: no Unigram tokenizer to load`);
    const config = parseRobertaFamilyConfig(await readIfThere('tokenizer_config.json'), await readIfThere('special_tokens_map.json'), files.location);
    const settings = settingsFromUnigramTokenizerJson(tokenizerJson, `${files.location}/tokenizer.json`);
    return new UnigramTokenizer({
      ...settings,
      padToken: config.padToken ?? settings.padToken,
      maskToken: config.maskToken ?? settings.maskToken,
      modelMaxLength: config.modelMaxLength ?? settings.modelMaxLength,
      truncationSide: config.truncationSide ?? settings.truncationSide,
    });
  }

  /** Tokenizes one text. */
  encode(text: string, options: EncodeOptions = {}): Encoding {
    checkText(text);
    const post = this.settings.postProcessor;
    const around = post && (options.addSpecialTokens ?? true) ? post : undefined;
    const reserved = around ? around.before.length + around.after.length : 0;
    const limit = tokenLimit(options.maxLength, reserved, around ? [...around.before, ...around.after].map(([t]) => t).join(' and ') : '');
    // Rust sees a JavaScript string as UTF-8, where each lone surrogate is U+FFFD.
    const clean = replaceLoneSurrogates(text);
    const sink = new TokenSink(limit, checkTruncationSide(options.truncationSide) ?? this.truncationSide);
    this.tokenizeInto(clean, sink);
    const run = sink.taken();
    if (post?.trimOffsets) trimOffsets(clean, run.tokens, run.offsets, post.addPrefixSpace);
    return around ? encodingAround(run, around.before, around.after) : encodingAround(run, [], []);
  }

  /** Tokenizes several texts and pads them with the padding token to the longest. */
  encodeBatch(texts: string[], options: EncodeOptions = {}): BatchEncoding {
    return encodeAndPad(texts, (text) => this.encode(text, options), this.padTokenId);
  }

  /** Text back from ids, as Rust's Metaspace decoder gives it. */
  decode(ids: number[], options: DecodeOptions = {}): string {
    const tokens = tokensToDecode(ids, (id) => this.decodedAddedTokens.get(id) ?? this.idToToken(id), this.specialTokens, options.skipSpecialTokens);
    return this.settings.decoder ? decodeMetaspace(tokens, this.settings.decoder) : tokens.join(' ');
  }

  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.settings.model.vocab[id]?.[0];
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.model.vocab.get(token);
  }

  /** text[from, to) of `text`, normalized. */
  private normalize(text: string, from = 0, to = text.length): NormalizedString {
    const normalized = NormalizedString.of(text, from, to);
    applySpmNormalizer(this.settings.normalizer, normalized);
    return normalized;
  }

  /** Cuts out the raw added tokens, normalizes what is between, cuts out the normalized ones. */
  private tokenizeInto(text: string, sink: TokenSink): void {
    for (const split of this.rawAddedTokens.split(text)) {
      if (sink.full) return;
      if (split.token) {
        sink.push(split.token.id, text.slice(split.start, split.end), split.start, split.end);
        continue;
      }
      if (split.start === split.end) continue;
      const normalized = this.normalize(text, split.start, split.end);
      for (const inner of this.normalizedAddedTokens.split(normalized.text)) {
        if (sink.full) return;
        if (inner.start === inner.end) continue;
        const range = normalized.originalRange(inner.start, inner.end);
        if (inner.token) sink.push(inner.token.id, normalized.text.slice(inner.start, inner.end), ...range);
        else this.tokenizeStretch(normalized.slice(inner.start, inner.end), sink);
      }
    }
  }

  /** Pre-tokenizes one normalized stretch that holds no added token and tokenizes its words. */
  private tokenizeStretch(stretch: NormalizedString, sink: TokenSink): void {
    for (const word of metaspaceWords(stretch, this.settings.preTokenizer)) {
      if (sink.full) return;
      if (word.isEmpty) continue;
      for (const piece of this.model.tokenize(word.text)) {
        sink.push(piece.id, word.text.slice(piece.start, piece.end), ...word.originalRange(piece.start, piece.end));
      }
    }
  }
}
