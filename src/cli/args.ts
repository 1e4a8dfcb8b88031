// Command-line arguments for every subcommand: node:util's parseArgs, with its mistakes turned
// into one-line usage errors worded for the command line (Node's own texts name its internals
// and span three lines), and the number checks every command shares.
//
// parseArgs is kept (not a library) because it parses exactly what the commands need and costs
// no dependency; what it lacks is wording, which is all this module adds.
import { parseArgs } from 'node:util';
import { UsageError } from './command.js';
import { nearestName } from '../option-names.js';

/** A subcommand's options, as parseArgs takes them. */
export type OptionSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean }>>;

type Parsed<O extends OptionSpec, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: P }>
>;

/** A value that parseArgs would take for an option: a negative number such as `-1` is one. */
const NEGATIVE_NUMBER = /^-\d*\.?\d/;

/**
 * Parses `args` strictly against `options`; any mistake (an unknown option, an option without
 * its value, a value given to a flag, a stray word) is a one-line UsageError naming it.
 * `--top-k -1` reads as the value `-1`, so the option's own check can say what is wrong with it.
 */
export function parseCommandArgs<const O extends OptionSpec, const P extends boolean = false>(
  args: readonly string[],
  options: O,
  allowPositionals?: P,
): Parsed<O, P> {
  const joined = joinNegativeValues(args, options);
  try {
    return parseArgs({ args: joined, options, strict: true, allowPositionals: (allowPositionals ?? false) as P });
  } catch (error) {
    throw new UsageError(describeParseError(error, joined, options));
  }
}

/** `--top-k -1` as `--top-k=-1`: Node calls a value that starts with a dash ambiguous. */
function joinNegativeValues(args: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = args[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function describeParseError(error: unknown, args: readonly string[], options: OptionSpec): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${quoted}'${suggestion(quoted, options)}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}' (every value follows its option, as in --text '${quoted}')`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      if (/does not take an argument/.test(message)) return `${quoted} is a switch and takes no value`;
      const at = args.findIndex((arg, i) => arg === quoted && (args[i + 1] === undefined || args[i + 1].startsWith('-')));
      const next = at < 0 ? undefined : args[at + 1];
      if (next === undefined || !next.startsWith('-') || isOption(next, options)) return `${quoted} needs a value`;
      return `${quoted} needs a value; to give one that starts with '-', write ${quoted}=${next}`;
    }
    default:
      return message.split('\n')[0];
  }
}

function isOption(arg: string, options: OptionSpec): boolean {
  return arg === '--' || (arg.startsWith('--') && arg.slice(2).split('=')[0] in options);
}

/** ` (did you mean --top-k?)` for a near miss such as `--topk`, `--top_k` or `--mdel`. */
function suggestion(given: string, options: OptionSpec): string {
  const match = nearestName(given.split('=')[0].replace(/^-+/, ''), Object.keys(options));
  return match ? ` (did you mean --${match}?)` : '';
}

/**
 * An option's whole-number value, checked against [min, max]; `undefined` when not given.
 * `maxReason` says where the maximum comes from, e.g. "the model's max_position_embeddings".
 */
export function wholeNumber(
  option: string,
  value: string | undefined,
  range: { readonly min: number; readonly max?: number; readonly maxReason?: string },
): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  const { min, max } = range;
  if (Number.isSafeInteger(number) && number >= min && (max === undefined || number <= max)) return number;
  const allowed = max === undefined
    ? `a whole number of at least ${min}`
    : `a whole number from ${min} to ${max}${range.maxReason ? ` (${range.maxReason})` : ''}`;
  throw new UsageError(`--${option} must be ${allowed}, got '${value}'`);
}

/** One of `choices`, or a usage error listing them. */
export function oneOf<const C extends string>(option: string, value: string | undefined, choices: readonly C[]): C | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as C;
  throw new UsageError(`--${option} must be one of ${choices.join(', ')}, got '${value}'`);
}

/**
 * `--name [N]`, an option whose number may be left out (parseArgs has no such options): a
 * `--name` not followed by a whole number becomes `--name=<fallback>`, and `--name 5`
 * becomes `--name=5`, so that the option can be declared as a string.
 */
export function optionalNumber(args: readonly string[], name: string, fallback: string): string[] {
  const flag = `--${name}`;
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return out.concat(args.slice(i));
    if (args[i] !== flag) out.push(args[i]);
    else if (/^\d+$/.test(args[i + 1] ?? '')) out.push(`${flag}=${args[++i]}`);
    else out.push(`${flag}=${fallback}`);
  }
  return out;
}
