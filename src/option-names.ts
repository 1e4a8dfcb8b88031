// The option objects of the public API are checked by name: from plain JavaScript, or through a
// spread, a misspelt option (`thread: 2` for `threads`) would otherwise be ignored without a
// word and the default would run in its place. The CLI's unknown flags suggest their near
// name by the same rule (nearestName).
import type { SpladeError } from './errors.js';

/**
 * Refuses an options argument that is not an object, or that has a name `known` lacks (with
 * the known name it is closest to, when one is close). `undefined` is no options.
 * @param where the function the options were given to, for the message (`createBackend`)
 * @throws `ErrorClass`, naming the option at fault
 */
export function checkOptionNames(
  options: unknown,
  known: readonly string[],
  where: string,
  ErrorClass: new (message: string) => SpladeError,
): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ErrorClass(`${where}: the options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const near = nearestName(name, known);
    throw new ErrorClass(`${where}: unknown option '${name}'${near ? ` (did you mean '${near}'?)` : ''}; the options are ${known.join(', ')}`);
  }
}

/**
 * The name of `known` that `name` most likely misspells: the same but for case, '-' and '_'
 * (`maxlength`, `max_length` for `maxLength`; `top_k` for `top-k`), else one at most two
 * edits away (`thread` for `threads`); undefined when none is that close. The CLI's unknown
 * flags and the API's unknown option names are told the same way.
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const squash = (word: string): string => word.replace(/[-_]/g, '').toLowerCase();
  return known.find((k) => squash(k) === squash(name)) ?? known.find((k) => editDistance(k, name) <= 2);
}

/** Levenshtein distance: how many one-character edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
