// Reading the fields of a model's config.json: every model family checks its sizes, rates and
// flags the same way and names the file and the field when one is wrong, so the readers live
// here once (BERT's and DistilBERT's configs differ in names, not in how a field is checked).
import { SpladeError } from '../errors.js';

/** A config.json that is not a usable config; the message names the file and the field. */
export class ConfigError extends SpladeError {}

/** Upper bound on any size field: beyond it a config is corrupt, not a bigger model. */
export const MAX_DIMENSION = 1 << 24;

/** Reads and checks the fields of one parsed config.json; `source` names it in errors. */
export class ConfigFields {
  private readonly raw: Record<string, unknown>;

  /** @throws ConfigError when `json` is not a JSON object */
  constructor(json: unknown, private readonly source: string) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ConfigError(`${source}: config must be a JSON object`);
    }
    this.raw = json as Record<string, unknown>;
  }

  /** The field as the file has it (undefined when absent). */
  get(field: string): unknown {
    return this.raw[field];
  }

  /** Throws the ConfigError for `field`: "SOURCE: field 'FIELD' WHY". */
  fail(field: string, why: string): never {
    throw new ConfigError(`${this.source}: field '${field}' ${why}`);
  }

  /** A size: an integer in [1, MAX_DIMENSION]. */
  positiveInt(field: string, fallback: number): number {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_DIMENSION) {
      this.fail(field, `must be a positive integer (at most ${MAX_DIMENSION}), got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** A finite number for which `check` holds (`what` says which, in the error). */
  number(field: string, fallback: number, check: (v: number) => boolean, what: string): number {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
      this.fail(field, `must be ${what}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** A dropout rate: a number in [0, 1]. */
  probability(field: string, fallback: number): number {
    return this.number(field, fallback, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'boolean') this.fail(field, `must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  /** A string, or undefined when absent or null. */
  optionalString(field: string): string | undefined {
    const value = this.raw[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(field, `must be a string, got ${JSON.stringify(value)}`);
    return value;
  }

  /** One of `values` (an activation by its name, say). */
  oneOf<T extends string>(field: string, fallback: T, values: readonly T[]): T {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      this.fail(field, `is ${JSON.stringify(value)}; supported: ${values.join(', ')}`);
    }
    return value as T;
  }

  /** `architectures`: an array of strings, or undefined when absent or null. */
  architectures(): string[] | undefined {
    const value = this.raw.architectures;
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((a) => typeof a !== 'string')) {
      this.fail('architectures', `must be an array of strings, got ${JSON.stringify(value)}`);
    }
    return value as string[];
  }

  /** `pad_token_id`: a token id in [0, vocabSize). */
  padTokenId(fallback: number, vocabSize: number): number {
    const value = this.raw.pad_token_id ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= vocabSize) {
      this.fail('pad_token_id', `must be an integer in [0, vocab_size=${vocabSize}), got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** The informational fields every config may carry, present only when the file has them. */
  provenance(): { torch_dtype?: string; transformers_version?: string } {
    const torchDtype = this.optionalString('torch_dtype');
    const transformersVersion = this.optionalString('transformers_version');
    return {
      ...(torchDtype !== undefined ? { torch_dtype: torchDtype } : {}),
      ...(transformersVersion !== undefined ? { transformers_version: transformersVersion } : {}),
    };
  }
}
