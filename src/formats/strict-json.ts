// A small strict JSON parser for safetensors headers. JSON.parse will not do: it silently
// keeps the last of duplicate keys (the format forbids duplicate tensor names) and rounds
// integers above 2^53 (offsets must be exact). Nesting is capped, so a hostile header cannot
// overflow the stack.
import { SpladeError } from '../errors.js';

/** Malformed JSON; the message gives the character position. */
export class StrictJsonError extends SpladeError {}

/** A JSON number kept as its source text, so integers can be checked exactly. */
export class JsonNumber {
  constructor(readonly text: string) {}

  /** The value when it is a non-negative integer no larger than 2^53 - 1, else undefined. */
  asSafeUnsigned(): number | undefined {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(this.text)) return undefined;
    const value = Number(this.text);
    return Number.isSafeInteger(value) ? value : undefined;
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/**
 * A value as shown in messages: numbers by their source text (JSON.stringify would show a
 * JsonNumber as {"text": ...}), containers by their kind, anything long cut to 40 characters.
 */
export function describeJson(value: JsonValue): string {
  if (value instanceof JsonNumber) return value.text.length > 40 ? `${value.text.slice(0, 40)}...` : value.text;
  if (value instanceof Map) return 'an object';
  if (Array.isArray(value)) return 'an array';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
/** Keys in source order; duplicate keys are a parse error. */
export type JsonObject = Map<string, JsonValue>;

const MAX_DEPTH = 32;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private fail(why: string): never {
    throw new StrictJsonError(`${why} at character ${this.pos}`);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  private value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(c === undefined ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(c)}`);
  }

  private object(depth: number): JsonObject {
    const result: JsonObject = new Map();
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const keyStart = this.pos;
      const key = this.string();
      if (result.has(key)) {
        this.pos = keyStart;
        this.fail(`duplicate key ${JSON.stringify(key)}`);
      }
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      result.set(key, this.value(depth + 1));
      this.skipWhitespace();
      const next = this.text[this.pos++];
      if (next === '}') return result;
      if (next !== ',') {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }

  private array(depth: number): JsonValue[] {
    const result: JsonValue[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value(depth + 1));
      this.skipWhitespace();
      const next = this.text[this.pos++];
      if (next === ']') return result;
      if (next !== ',') {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match || match[0] === '-') this.fail('malformed number');
    this.pos += match[0].length;
    return new JsonNumber(match[0]);
  }

  private string(): string {
    const t = this.text;
    this.pos++; // opening quote
    let result = '';
    let chunkStart = this.pos;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        result += t.slice(chunkStart, this.pos);
        this.pos++;
        return result;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x5c) {
        result += t.slice(chunkStart, this.pos);
        result += this.escape();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
    return this.fail('unterminated string');
  }

  /** One escape sequence starting at the backslash; a \u surrogate must come in a valid pair. */
  private escape(): string {
    const t = this.text;
    const kind = t[this.pos + 1];
    if (kind === undefined) this.fail('unterminated string');
    if (kind !== 'u') {
      const simple = ESCAPES[kind];
      if (simple === undefined) this.fail(`invalid escape \\${kind}`);
      this.pos += 2;
      return simple;
    }
    const unit = this.hex4(this.pos + 2);
    this.pos += 6;
    if (unit >= 0xdc00 && unit <= 0xdfff) this.fail('lone low surrogate in \\u escape');
    if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
    if (t[this.pos] !== '\\' || t[this.pos + 1] !== 'u') this.fail('lone high surrogate in \\u escape');
    const low = this.hex4(this.pos + 2);
    if (low < 0xdc00 || low > 0xdfff) this.fail('high surrogate not followed by a low one');
    this.pos += 6;
    return String.fromCharCode(unit, low);
  }

  private hex4(at: number): number {
    const digits = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail('invalid \\u escape');
    return parseInt(digits, 16);
  }
}

/**
 * Parses JSON strictly: duplicate keys are errors, numbers stay text ({@link JsonNumber}),
 * nesting is capped at 32 levels.
 * @throws StrictJsonError with the character position
 */
export function parseStrictJson(text: string): JsonValue {
  return new Parser(text).parseDocument();
}
