// BertTokenizer: text → WordPiece ids, id for id what Hugging Face's BertTokenizerFast (the
// Rust `tokenizers` library) gives. Pipeline, as in Rust: added/special tokens written in the
// text are cut out first; the rest is normalized (BertNormalizer), split into words
// (BertPreTokenizer) and each word into WordPiece pieces; then [CLS] … [SEP] around it.
import { AddedTokenMatcher, resolveAddedTokenIds, type AddedToken } from './added-tokens.js';
import { decodeWordPieces } from './decoder.js';
import { checkTruncationSide, type TruncationSide } from './truncation.js';
import { checkText, encodeAndPad, encodingAround, tokenLimit, tokensToDecode, TokenSink } from './encoding.js';
import { TokenizerError } from './errors.js';
import { BertNormalizer, originalEnd, type NormalizedText } from './normalizer.js';
import { forEachWord } from './pre-tokenizer.js';
import { isChineseChar, isPunctuation } from './unicode.js';
import {
  applyConfigToSettings,
  checkVocabTokenizerClass,
  parseTokenizerConfig,
  parseVocabText,
  settingsFromTokenizerJson,
  settingsFromVocab,
  type TokenizerSettings,
  type VocabOptions,
} from './settings.js';
import type { BatchEncoding, DecodeOptions, EncodeOptions, Encoding, Tokenizer, TokenizerFiles } from './tokenizer.js';
import { WordPiece } from './wordpiece.js';

/** Spaces outside ASCII that are whitespace to both the normalizer and the pre-tokenizer. */
function isSafeSpace(unit: number): boolean {
  return unit === 0xa0 || unit === 0x1680 || (unit >= 0x2000 && unit <= 0x200a) || unit === 0x2028 || unit === 0x2029 || unit === 0x202f || unit === 0x205f || unit === 0x3000;
}

/** How much of the text a truncated encoding normalizes at a time (UTF-16 units). */
const CHUNK = 8192;

function specialId(settings: TokenizerSettings, token: string, what: string): number {
  const id = settings.vocab.get(token) ?? resolveAddedTokenIds(settings.addedTokens, settings.vocab).find((t) => t.content === token)?.id;
  if (id === undefined) throw vocabularyLacks(settings, `${what} token '${token}'`);
  return id;
}

/** "SOURCE: the vocabulary has no WHAT", the file named where the settings know it. */
function vocabularyLacks(settings: TokenizerSettings, what: string): TokenizerError {
  return new TokenizerError(`${settings.source ? `${settings.source}: ` : ''}the vocabulary has no ${what}`);
}

/** BERT's WordPiece tokenizer (BertTokenizerFast), from vocab.txt or a WordPiece tokenizer.json. */
export class BertTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly modelMaxLength: number;
  readonly truncationSide: TruncationSide;
  readonly padTokenId: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly unkTokenId: number;
  /** The [MASK] token's id, when the vocabulary has one. */
  readonly maskTokenId: number | undefined;

  private readonly normalizer: BertNormalizer | null;
  private readonly wordPiece: WordPiece;
  private readonly rawAddedTokens: AddedTokenMatcher;
  private readonly normalizedAddedTokens: AddedTokenMatcher;
  private readonly idToTokenTable: string[] = [];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  /** The special added tokens' contents as written (not normalized): what decode skips. */
  private readonly specialTokens: ReadonlySet<string>;

  /** Prefer the static constructors; `settings` is the whole tokenizer description. */
  constructor(private readonly settings: TokenizerSettings) {
    this.normalizer = settings.normalizer ? new BertNormalizer(settings.normalizer) : null;
    // Checked here too (WordPiece cannot name the file), so that the error says where.
    if (!settings.vocab.has(settings.wordPiece.unkToken)) throw vocabularyLacks(settings, `unknown token '${settings.wordPiece.unkToken}'`);
    this.wordPiece = new WordPiece(settings.vocab, settings.wordPiece);
    for (const [token, id] of settings.vocab) this.idToTokenTable[id] = token;
    // Like Rust, a token already in the vocabulary keeps its id and new ones are numbered
    // after the vocabulary, whatever ids the file wrote; a normalized token is known by its
    // normalized form when turning ids back into tokens.
    const addedTokens = resolveAddedTokenIds(settings.addedTokens, settings.vocab).map((token) =>
      token.normalized && this.normalizer ? { ...token, content: this.normalizer.normalize(token.content).text, original: token.content } : { ...token, original: token.content },
    );
    for (const token of addedTokens) {
      this.addedById.set(token.id, token);
      this.addedByContent.set(token.original, token);
    }
    this.specialTokens = new Set(addedTokens.filter((t) => t.special).map((t) => t.original));
    this.rawAddedTokens = new AddedTokenMatcher(addedTokens.filter((t) => !t.normalized).map((token) => ({ pattern: token.content, token })));
    this.normalizedAddedTokens = new AddedTokenMatcher(addedTokens.filter((t) => t.normalized).map((token) => ({ pattern: token.content, token })));
    let size = this.idToTokenTable.length;
    for (const token of addedTokens) size = Math.max(size, token.id + 1);
    this.vocabSize = size;
    this.modelMaxLength = settings.modelMaxLength;
    this.truncationSide = checkTruncationSide(settings.truncationSide) ?? 'right';
    this.clsTokenId = settings.clsId ?? specialId(settings, settings.clsToken, 'classifier');
    this.sepTokenId = settings.sepId ?? specialId(settings, settings.sepToken, 'separator');
    // Rust would put the id anyway; past the vocabulary it names no token and no embedding row.
    for (const [token, id] of [[settings.clsToken, this.clsTokenId], [settings.sepToken, this.sepTokenId]] as const) {
      if (id >= size) throw new TokenizerError(`${settings.source ?? 'tokenizer.json'}: post_processor's '${token}' has id ${id}, past the vocabulary (${size} tokens)`);
    }
    this.padTokenId = specialId(settings, settings.padToken, 'padding');
    this.unkTokenId = this.wordPiece.unkId;
    this.maskTokenId = settings.maskToken === undefined ? undefined : specialId(settings, settings.maskToken, 'mask');
  }

  /**
   * A tokenizer from the text of a vocab.txt, set up as BertTokenizerFast sets it up
   * (lowercasing by default; pass `doLowerCase: false` for cased models).
   */
  static fromVocab(vocabText: string, options: VocabOptions = {}): BertTokenizer {
    return new BertTokenizer(settingsFromVocab(parseVocabText(vocabText), options));
  }

  /** A tokenizer from the text of a tokenizer.json (WordPiece model, BertNormalizer, BertPreTokenizer). */
  static fromTokenizerJson(json: string): BertTokenizer {
    return new BertTokenizer(settingsFromTokenizerJson(json));
  }

  /**
   * A tokenizer from a model folder, as `BertTokenizerFast.from_pretrained` reads it:
   * tokenizer.json when present, else vocab.txt; tokenizer_config.json and
   * special_tokens_map.json, when present, for the settings.
   */
  static async fromModelFiles(files: TokenizerFiles): Promise<BertTokenizer> {
    const readIfThere = async (name: string): Promise<string | undefined> => ((await files.has(name)) ? files.readText(name) : undefined);
    const configText = await readIfThere('tokenizer_config.json');
    const config = parseTokenizerConfig(configText, await readIfThere('special_tokens_map.json'), files.location);
    const hasConfig = await files.has('tokenizer_config.json');
    const tokenizerJson = await readIfThere('tokenizer.json');
    if (tokenizerJson !== undefined) {
      let settings = settingsFromTokenizerJson(tokenizerJson, `${files.location}/tokenizer.json`);
      if (hasConfig) settings = applyConfigToSettings(settings, config);
      return new BertTokenizer(settings);
    }
    const vocabText = await readIfThere('vocab.txt');
    if (vocabText === undefined) {
      throw new TokenizerError(`${files.location} has neither tokenizer.json nor vocab.txt: no tokenizer to load`);
    }
    checkVocabTokenizerClass(configText, files.location);
    const source = `${files.location}/vocab.txt`;
    return new BertTokenizer(settingsFromVocab(parseVocabText(vocabText, source), config, source));
  }

  /**
   * Tokenizes one text.
   * @throws TokenizerError for a maxLength that is not an integer with room for the special tokens
   */
  encode(text: string, options: EncodeOptions = {}): Encoding {
    checkText(text);
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const limit = tokenLimit(options.maxLength, addSpecialTokens ? 2 : 0, '[CLS] and [SEP]');
    const sink = new TokenSink(limit, checkTruncationSide(options.truncationSide) ?? this.truncationSide);
    this.tokenizeInto(text, sink);
    if (!addSpecialTokens) return encodingAround(sink.taken(), [], []);
    return encodingAround(sink.taken(), [[this.settings.clsToken, this.clsTokenId]], [[this.settings.sepToken, this.sepTokenId]]);
  }

  /**
   * Tokenizes several texts and pads them with [PAD] to the longest.
   * @throws TokenizerError as `encode`
   */
  encodeBatch(texts: string[], options: EncodeOptions = {}): BatchEncoding {
    return encodeAndPad(texts, (text) => this.encode(text, options), this.padTokenId);
  }

  /** Text back from ids, as Hugging Face decodes: "##" pieces joined, a space between words. */
  decode(ids: number[], options: DecodeOptions = {}): string {
    const tokens = tokensToDecode(ids, (id) => this.idToToken(id), this.specialTokens, options.skipSpecialTokens);
    return decodeWordPieces(tokens, this.settings.decoder);
  }

  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.idToTokenTable[id];
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.settings.vocab.get(token);
  }

  private tokenizeInto(text: string, sink: TokenSink): void {
    const splits = this.rawAddedTokens.isEmpty ? [{ start: 0, end: text.length, token: undefined }] : this.rawAddedTokens.split(text);
    for (const split of splits) {
      if (sink.full) return;
      if (split.token) {
        sink.push(split.token.id, text.slice(split.start, split.end), split.start, split.end);
      } else if (split.end > split.start) {
        this.tokenizeStretch(text, split.start, split.end, sink);
      }
    }
  }

  /**
   * Tokenizes text[from, to) (no raw added tokens in it). A right-truncated encoding goes through it
   * in chunks cut at whitespace, which no word spans, so it stops soon after the limit.
   */
  private tokenizeStretch(text: string, from: number, to: number, sink: TokenSink): void {
    if (!sink.stopsEarly || !this.normalizedAddedTokens.isEmpty) {
      this.tokenizeChunk(text, from, to, sink);
      return;
    }
    for (let start = from; start < to && !sink.full; ) {
      const end = this.nextCut(text, start + CHUNK, to);
      this.tokenizeChunk(text, start, end, sink);
      start = end;
    }
  }

  /**
   * The first index ≥ at (or `to`) before which a word always ends, whatever precedes it and
   * whatever the settings: a space, tab or line break, a Zs/Zl/Zp space (whitespace before
   * and after normalization), ASCII punctuation (it normalizes to itself) or, when they are
   * spaced out, a CJK ideograph of the BMP.
   */
  private nextCut(text: string, at: number, to: number): number {
    const chinese = this.settings.normalizer?.handleChineseChars ?? false;
    for (let i = at; i < to; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x80) {
        if (unit === 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0d || isPunctuation(unit)) return i;
      } else if (isSafeSpace(unit) || (chinese && isChineseChar(unit))) {
        return i;
      }
    }
    return to;
  }

  /** Normalizes text[from, to) and tokenizes it. */
  private tokenizeChunk(text: string, from: number, to: number, sink: TokenSink): void {
    const normalized = this.normalizer ? this.normalizer.normalize(text, from, to) : identity(text, from, to);
    const { text: norm, starts } = normalized;
    const end = (k: number): number => originalEnd(text, starts[k]);
    const splits = this.normalizedAddedTokens.isEmpty ? [{ start: 0, end: norm.length, token: undefined }] : this.normalizedAddedTokens.split(norm);
    for (const split of splits) {
      if (sink.full) return;
      if (split.token) {
        sink.push(split.token.id, norm.slice(split.start, split.end), starts[split.start], end(split.end - 1));
        continue;
      }
      forEachWord(norm, split.start, split.end, (wordStart, wordEnd) => {
        const count = this.wordPiece.tokenize(norm, wordStart, wordEnd);
        const pieces = this.wordPiece.pieces;
        for (let k = 0; k < count; k++) {
          const id = pieces[3 * k];
          sink.push(id, this.idToTokenTable[id] ?? this.settings.wordPiece.unkToken, starts[pieces[3 * k + 1]], end(pieces[3 * k + 2] - 1));
        }
        return !sink.full;
      });
    }
  }
}

/** No normalizer: the text as is, except that lone surrogates become U+FFFD as in Rust. */
function identity(text: string, from: number, to: number): NormalizedText {
  const slice = text.slice(from, to);
  const starts = new Int32Array(slice.length);
  for (let k = 0; k < slice.length; k++) starts[k] = from + k;
  return { text: slice.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'), starts };
}
