// ByteLevelBpeTokenizer: text → byte-level BPE ids, id for id what Hugging Face's
// RobertaTokenizerFast (the Rust `tokenizers` library) gives. Pipeline, as in Rust: added and
// special tokens written in the text are cut out first; each stretch between them gets the
// optional prefix space, is split into words by GPT-2's pattern, each word turned into its
// UTF-8 bytes as byte-level characters and merged by BPE; then the offsets are trimmed of
// spaces and <s> … </s> put around the tokens.
import { AddedTokenMatcher, resolveAddedTokenIds, type AddedToken } from './added-tokens.js';
import { applyBpeConfig, checkBpeTokenizerClass, parseRobertaFamilyConfig, settingsFromVocabAndMerges, type ByteLevelBpeOptions } from './bpe-config.js';
import { BpeModel } from './bpe-merges.js';
import { settingsFromBpeTokenizerJson, type BpeSettings } from './bpe-settings.js';
import { decodeByteLevel } from './byte-level.js';
import { trimOffsets } from './byte-level-offsets.js';
import { ByteLevelWords } from './byte-level-words.js';
import { checkTruncationSide, type TruncationSide } from './truncation.js';
import { checkText, encodeAndPad, encodingAround, tokenLimit, tokensToDecode, TokenSink } from './encoding.js';
import { TokenizerError } from './errors.js';
import type { BatchEncoding, DecodeOptions, EncodeOptions, Encoding, Tokenizer, TokenizerFiles } from './tokenizer.js';
import { replaceLoneSurrogates } from './unicode.js';

/** RoBERTa's byte-level BPE tokenizer (RobertaTokenizerFast), from tokenizer.json or vocab.json + merges.txt. */
export class ByteLevelBpeTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly modelMaxLength: number;
  readonly truncationSide: TruncationSide;
  readonly padTokenId: number;
  /** <s>'s id: the token RobertaProcessing puts first (undefined without RobertaProcessing). */
  readonly clsTokenId: number | undefined;
  /** </s>'s id: the token RobertaProcessing puts last (undefined without RobertaProcessing). */
  readonly sepTokenId: number | undefined;
  /** <unk>'s id, when the vocabulary has it. */
  readonly unkTokenId: number | undefined;
  /** <mask>'s id, when the vocabulary has it. */
  readonly maskTokenId: number | undefined;

  private readonly model: BpeModel;
  private readonly words: ByteLevelWords;
  private readonly rawAddedTokens: AddedTokenMatcher;
  private readonly normalizedAddedTokens: AddedTokenMatcher;
  private readonly idToTokenTable: string[] = [];
  private readonly addedById = new Map<number, AddedToken>();
  /** The special added tokens' contents: what decode skips. */
  private readonly specialTokens: ReadonlySet<string>;
  private readonly addedByContent = new Map<string, AddedToken>();

  /** Prefer the static constructors; `settings` is the whole tokenizer description. */
  constructor(private readonly settings: BpeSettings) {
    const { vocab } = settings.model;
    for (const [token, id] of vocab) this.idToTokenTable[id] = token;
    // A byte missing from the vocabulary becomes the model's unknown token, or else the
    // tokenizer's <unk> (Rust would drop the byte silently), or else is an error.
    const unkToken = settings.model.unkToken ?? (vocab.has(settings.unkToken) ? settings.unkToken : null);
    this.model = new BpeModel({ ...settings.model, unkToken });
    this.words = new ByteLevelWords(settings.addPrefixSpace, settings.useRegex);
    // With no normalizer, normalized and raw added tokens match the same text, but Rust
    // matches the raw ones first and the normalized ones in what is left between them.
    const addedTokens = resolveAddedTokenIds(settings.addedTokens, vocab);
    for (const token of addedTokens) {
      this.addedById.set(token.id, token);
      this.addedByContent.set(token.content, token);
    }
    this.specialTokens = new Set(addedTokens.filter((t) => t.special).map((t) => t.content));
    this.rawAddedTokens = new AddedTokenMatcher(addedTokens.filter((t) => !t.normalized).map((token) => ({ pattern: token.content, token })));
    this.normalizedAddedTokens = new AddedTokenMatcher(addedTokens.filter((t) => t.normalized).map((token) => ({ pattern: token.content, token })));
    this.vocabSize = addedTokens.reduce((size, token) => Math.max(size, token.id + 1), this.idToTokenTable.length);
    this.modelMaxLength = settings.modelMaxLength;
    this.truncationSide = checkTruncationSide(settings.truncationSide) ?? 'right';
    const post = settings.postProcessor?.type === 'RobertaProcessing' ? settings.postProcessor : undefined;
    this.clsTokenId = post?.cls[1];
    this.sepTokenId = post?.sep[1];
    // Rust would put the id anyway; past the vocabulary it names no token and no embedding row.
    for (const [token, id] of post ? [post.cls, post.sep] : []) {
      if (id >= this.vocabSize) throw new TokenizerError(`${settings.model.source}: post_processor's '${token}' has id ${id}, past the vocabulary (${this.vocabSize} tokens)`);
    }
    this.unkTokenId = this.tokenToId(settings.unkToken);
    this.maskTokenId = this.tokenToId(settings.maskToken);
    const pad = this.tokenToId(settings.padToken);
    if (pad === undefined) throw new TokenizerError(`${settings.model.source}: the vocabulary has no padding token '${settings.padToken}'`);
    this.padTokenId = pad;
  }

  /** A tokenizer from the text of a tokenizer.json (BPE model, ByteLevel pre-tokenizer). */
  static fromTokenizerJson(json: string): ByteLevelBpeTokenizer {
    return new ByteLevelBpeTokenizer(settingsFromBpeTokenizerJson(json));
  }

  /**
   * A tokenizer from the texts of RobertaTokenizer's vocab.json and merges.txt, set up as
   * RobertaTokenizerFast converts them (no prefix space by default; `<mask>` takes the space
   * before it).
   */
  static fromVocabAndMerges(vocabJsonText: string, mergesText: string, options: ByteLevelBpeOptions = {}): ByteLevelBpeTokenizer {
    return new ByteLevelBpeTokenizer(settingsFromVocabAndMerges(vocabJsonText, mergesText, options));
  }

  /**
   * A tokenizer from a model folder, as `RobertaTokenizerFast.from_pretrained` reads it:
   * tokenizer.json when present, else vocab.json + merges.txt; tokenizer_config.json and
   * special_tokens_map.json, when present, for the settings.
   */
  static async fromModelFiles(files: TokenizerFiles): Promise<ByteLevelBpeTokenizer> {
    const readIfThere = async (name: string): Promise<string | undefined> => ((await files.has(name)) ? files.readText(name) : undefined);
    const configText = await readIfThere('tokenizer_config.json');
    const config = parseRobertaFamilyConfig(configText, await readIfThere('special_tokens_map.json'), files.location);
    const tokenizerJson = await readIfThere('tokenizer.json');
    if (tokenizerJson !== undefined) {
      const settings = settingsFromBpeTokenizerJson(tokenizerJson, `${files.location}/tokenizer.json`);
      return new ByteLevelBpeTokenizer(configText === undefined ? settings : applyBpeConfig(settings, config));
    }
    const [vocabText, mergesText] = await Promise.all([readIfThere('vocab.json'), readIfThere('merges.txt')]);
    if (vocabText === undefined || mergesText === undefined) {
      throw new TokenizerError(`${files.location} has neither tokenizer.json nor vocab.json with merges.txt: no byte-level BPE tokenizer to load`);
    }
    checkBpeTokenizerClass(config, files.location);
    const sources = { vocab: `${files.location}/vocab.json`, merges: `${files.location}/merges.txt` };
    return new ByteLevelBpeTokenizer(settingsFromVocabAndMerges(vocabText, mergesText, config, sources));
  }

  /** Tokenizes one text. */
  encode(text: string, options: EncodeOptions = {}): Encoding {
    checkText(text);
    const post = this.settings.postProcessor;
    const roberta = post?.type === 'RobertaProcessing' && (options.addSpecialTokens ?? true) ? post : undefined;
    const limit = tokenLimit(options.maxLength, roberta ? 2 : 0, roberta ? `${roberta.cls[0]} and ${roberta.sep[0]}` : '');
    // Rust sees a JavaScript string as UTF-8, where each lone surrogate is U+FFFD.
    const clean = replaceLoneSurrogates(text);
    const sink = new TokenSink(limit, checkTruncationSide(options.truncationSide) ?? this.truncationSide);
    this.tokenizeInto(clean, sink);
    const run = sink.taken();
    if (post?.trimOffsets) trimOffsets(clean, run.tokens, run.offsets, post.addPrefixSpace);
    return roberta ? encodingAround(run, [roberta.cls], [roberta.sep]) : encodingAround(run, [], []);
  }

  /** Tokenizes several texts and pads them with <pad> to the longest. */
  encodeBatch(texts: string[], options: EncodeOptions = {}): BatchEncoding {
    return encodeAndPad(texts, (text) => this.encode(text, options), this.padTokenId);
  }

  /** Text back from ids, as Rust's ByteLevel decoder gives it (invalid UTF-8 as U+FFFD). */
  decode(ids: number[], options: DecodeOptions = {}): string {
    const tokens = tokensToDecode(ids, (id) => this.idToToken(id), this.specialTokens, options.skipSpecialTokens);
    return this.settings.decoder === 'ByteLevel' ? decodeByteLevel(tokens) : tokens.join(' ');
  }

  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.idToTokenTable[id];
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.settings.model.vocab.get(token);
  }

  /** Cuts out the raw added tokens, then the normalized ones, and tokenizes what is between. */
  private tokenizeInto(text: string, sink: TokenSink): void {
    for (const split of this.rawAddedTokens.split(text)) {
      if (sink.full) return;
      if (split.token) {
        sink.push(split.token.id, text.slice(split.start, split.end), split.start, split.end);
        continue;
      }
      for (const inner of this.normalizedAddedTokens.split(text, split.start, split.end)) {
        if (sink.full) return;
        if (inner.token) sink.push(inner.token.id, text.slice(inner.start, inner.end), inner.start, inner.end);
        else this.tokenizeStretch(text, inner.start, inner.end, sink);
      }
    }
  }

  /** Tokenizes text[from, to), which holds no added token. */
  private tokenizeStretch(text: string, from: number, to: number, sink: TokenSink): void {
    this.words.forEach(text, from, to, (word) => {
      const pieces = this.model.tokenize(word.text);
      for (let k = 0, byte = 0; k < pieces.length; k += 2) {
        const id = pieces[k];
        const length = pieces[k + 1];
        sink.push(id, this.idToTokenTable[id], word.starts[byte], word.ends[byte + length - 1]);
        byte += length;
      }
      return !sink.full;
    });
  }
}
