// The parts of encode/encodeBatch that do not depend on how text becomes tokens: checking
// maxLength, wrapping ids into an Encoding, padding a batch. Shared by every tokenizer so that
// they check and pad alike.
import { TokenizerError } from './errors.js';
import type { BatchEncoding, Encoding } from './tokenizer.js';
import type { TruncationSide } from './truncation.js';

/**
 * How many tokens of the text an encoding keeps: maxLength less the `reserved` special tokens
 * (Infinity without maxLength).
 * @param specials how the reserved tokens are named in the error, e.g. "[CLS] and [SEP]"
 */
export function tokenLimit(maxLength: number | undefined, reserved: number, specials: string): number {
  if (maxLength === undefined) return Infinity;
  if (!Number.isInteger(maxLength) || maxLength < reserved) {
    throw new TokenizerError(`maxLength must be an integer of at least ${reserved}${reserved > 0 ? ` (room for ${specials})` : ''}, not ${maxLength}`);
  }
  return maxLength - reserved;
}

/** Refuses a text that is not a string (JavaScript callers can pass anything). */
export function checkText(text: unknown): asserts text is string {
  if (typeof text !== 'string') throw new TokenizerError(`encode() takes a string, not ${typeof text}`);
}


/**
 * The tokens `decode` joins: each id's token (`tokenOf`; unknown ids left out), special ones
 * left out too when `skipSpecialTokens` is set (what every decoder does before joining). As in
 * Rust, a token is special when its text is one of `specialTokens` (the special added tokens'
 * contents): a normalized special token whose text normalization changed (`tokenOf` gives the
 * normalized text, as Rust decodes it) is not, and stays.
 */
export function tokensToDecode(ids: readonly number[], tokenOf: (id: number) => string | undefined, specialTokens: ReadonlySet<string>, skipSpecialTokens = false): string[] {
  const tokens: string[] = [];
  for (const id of ids) {
    const token = tokenOf(id);
    if (token === undefined) continue;
    if (skipSpecialTokens && specialTokens.has(token)) continue;
    tokens.push(token);
  }
  return tokens;
}

/** Encodes each text and pads the rows to the longest with `padId` (mask 0). */
export function encodeAndPad(texts: string[], encode: (text: string) => Encoding, padId: number): BatchEncoding {
  if (!Array.isArray(texts)) throw new TokenizerError(`encodeBatch() takes an array of strings, not ${typeof texts}`);
  const encodings = texts.map(encode);
  const width = encodings.reduce((max, e) => Math.max(max, e.ids.length), 0);
  const pad = (row: number[], value: number): number[] => (row.length === width ? row.slice() : row.concat(new Array<number>(width - row.length).fill(value)));
  return {
    inputIds: encodings.map((e) => pad(e.ids, padId)),
    attentionMask: encodings.map((e) => pad(e.attentionMask, 0)),
    tokenTypeIds: encodings.map((e) => pad(e.tokenTypeIds, 0)),
    encodings,
  };
}

/** A special token as post-processors name it: its text and its id. */
export type SpecialToken = readonly [string, number];

/** Tokens with their ids and offsets, in step. */
export interface TokenRun {
  readonly ids: number[];
  readonly tokens: string[];
  readonly offsets: Array<[number, number]>;
}

/**
 * The encoding of `run` with the special tokens `before` and `after` put around it (offsets
 * [0, 0], special tokens mask 1), as one sequence: attention mask of ones, token types of zeros.
 */
export function encodingAround(run: TokenRun, before: readonly SpecialToken[], after: readonly SpecialToken[]): Encoding {
  const ids = [...before.map(([, id]) => id), ...run.ids, ...after.map(([, id]) => id)];
  const tokens = [...before.map(([token]) => token), ...run.tokens, ...after.map(([token]) => token)];
  const none = (): [number, number] => [0, 0];
  const offsets = [...before.map(none), ...run.offsets, ...after.map(none)];
  const special = (): number => 1;
  const specialTokensMask = [...before.map(special), ...run.ids.map(() => 0), ...after.map(special)];
  return {
    ids,
    tokens,
    offsets,
    attentionMask: new Array<number>(ids.length).fill(1),
    tokenTypeIds: new Array<number>(ids.length).fill(0),
    specialTokensMask,
  };
}

/**
 * Collects a text's tokens, to keep `limit` of them: the first ones when truncating on the
 * right (it is full once it has them, so the tokenizer can stop reading), the last ones on the
 * left (it never is: the end of the text is only known at the end).
 */
export class TokenSink implements TokenRun {
  readonly ids: number[] = [];
  readonly tokens: string[] = [];
  readonly offsets: Array<[number, number]> = [];
  constructor(
    readonly limit: number,
    readonly side: TruncationSide = 'right',
  ) {}
  /** Whether the tokens to keep are all there before the end of the text. */
  get stopsEarly(): boolean {
    return this.limit !== Infinity && this.side === 'right';
  }
  get full(): boolean {
    return this.stopsEarly && this.ids.length >= this.limit;
  }
  push(id: number, token: string, start: number, end: number): void {
    this.ids.push(id);
    this.tokens.push(token);
    this.offsets.push([start, end]);
  }
  /** The tokens collected, cut to `limit` on `side` (a word's pieces may run past it). */
  taken(): TokenRun {
    if (this.ids.length <= this.limit) return { ids: this.ids, tokens: this.tokens, offsets: this.offsets };
    const [from, to] = this.side === 'right' ? [0, this.limit] : [this.ids.length - this.limit, this.ids.length];
    return { ids: this.ids.slice(from, to), tokens: this.tokens.slice(from, to), offsets: this.offsets.slice(from, to) };
  }
}
