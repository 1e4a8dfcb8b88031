// trec_eval's measure names as `-m` takes them ("map", "recall.100,1000", "ndcg_cut.10"), read
// into requests that src/search/trec-measures.ts evaluates, and the names trec_eval prints for
// them ("recall_100", "ndcg_cut_10"). Only the measures that retrieval papers report are known;
// each is defined in trec-measures.ts.
import { SpladeError } from '../errors.js';

/** A measure name that is not known, or a cutoff that is not a positive whole number. */
export class MeasureSpecError extends SpladeError {}

/**
 * The known measures in the order trec_eval prints them (usnistgov/trec_eval measures.c): its
 * output lists measures in this fixed order whatever order `-m` named them in.
 */
export const MEASURE_NAMES = ['num_q', 'num_ret', 'num_rel', 'num_rel_ret', 'map', 'recip_rank', 'P', 'recall', 'ndcg', 'ndcg_cut', 'map_cut', 'success'] as const;

export type MeasureName = (typeof MEASURE_NAMES)[number];

/** The measures evaluated at cutoffs (`recall.100`): one value per cutoff. */
export type CutoffMeasure = 'P' | 'recall' | 'ndcg_cut' | 'map_cut' | 'success';

/** trec_eval's default cutoffs for a bare name (`-m recall`). */
const DEFAULT_CUTOFFS: Readonly<Record<CutoffMeasure, readonly number[]>> = {
  P: [5, 10, 15, 20, 30, 100, 200, 500, 1000],
  recall: [5, 10, 15, 20, 30, 100, 200, 500, 1000],
  ndcg_cut: [5, 10, 15, 20, 30, 100, 200, 500, 1000],
  map_cut: [5, 10, 15, 20, 30, 100, 200, 500, 1000],
  success: [1, 5, 10],
};

/** The counts, which trec_eval prints as integers and sums (not averages) over the queries. */
const COUNTS: ReadonlySet<MeasureName> = new Set(['num_q', 'num_ret', 'num_rel', 'num_rel_ret']);

/** One measure to evaluate: `cutoffs` ascending, empty for a measure without them. */
export interface MeasureRequest {
  readonly measure: MeasureName;
  readonly cutoffs: readonly number[];
}

/** Whether trec_eval prints the measure as an integer count (`num_ret`) rather than a 4-decimal value. */
export function isCount(measure: MeasureName): boolean {
  return COUNTS.has(measure);
}

/** Whether the measure takes cutoffs (`recall.100`). */
export function takesCutoffs(measure: MeasureName): measure is CutoffMeasure {
  return Object.hasOwn(DEFAULT_CUTOFFS, measure);
}

/** The names trec_eval prints for a request: `map`, or one per cutoff (`recall_100`, `recall_1000`). */
export function printedNames(request: MeasureRequest): string[] {
  return takesCutoffs(request.measure) ? request.cutoffs.map((k) => `${request.measure}_${k}`) : [request.measure];
}

const known = (): string => MEASURE_NAMES.map((name) => (takesCutoffs(name) ? `${name}.k` : name)).join(', ');

/**
 * Reads measure lists in trec_eval's `-m` syntax into requests, in trec_eval's print order.
 * Each list is comma-separated; an item that is a number adds a cutoff to the measure before it,
 * so `recall.100,1000` means recall at 100 and at 1000 (as `-m recall.100,1000` does) and
 * `ndcg_cut.10,recall.100,1000,map` three measures. A cutoff measure named without cutoffs gets
 * trec_eval's defaults (`recall`: 5, 10, ..., 1000). A measure asked for more than once is
 * evaluated once with the union of its cutoffs (trec_eval keeps only its first `-m` list and
 * silently drops the others).
 *
 * @throws MeasureSpecError naming the unknown measure or the bad cutoff, and listing the known names.
 */
export function parseMeasures(lists: readonly string[]): MeasureRequest[] {
  const cutoffs = new Map<MeasureName, Set<number>>();
  for (const list of lists) {
    let current: MeasureName | undefined;
    for (const item of list.split(',')) {
      if (/^\d/.test(item) && current !== undefined) {
        if (!takesCutoffs(current)) throw new MeasureSpecError(`cutoff '${item}' follows ${current}, which takes no cutoff`);
        cutoffs.get(current)?.add(parseCutoff(current, item));
        continue;
      }
      const [name, first, ...rest] = item.split('.');
      current = measureName(name, item);
      const set = cutoffs.get(current) ?? new Set<number>();
      cutoffs.set(current, set);
      if (rest.length > 0) throw new MeasureSpecError(`measure '${item}': one cutoff after the dot; more go after commas, as in ${name}.10,100`);
      if (first === undefined) {
        if (takesCutoffs(current)) for (const k of DEFAULT_CUTOFFS[current]) set.add(k);
      } else if (!takesCutoffs(current)) {
        throw new MeasureSpecError(`measure '${item}': ${current} takes no cutoff (the measures with cutoffs: ${MEASURE_NAMES.filter(takesCutoffs).join(', ')})`);
      } else {
        set.add(parseCutoff(current, first));
      }
    }
  }
  return MEASURE_NAMES.filter((name) => cutoffs.has(name)).map((measure) => ({
    measure,
    cutoffs: [...(cutoffs.get(measure) ?? [])].sort((a, b) => a - b),
  }));
}

function measureName(name: string, item: string): MeasureName {
  const found = MEASURE_NAMES.find((known) => known === name);
  if (found !== undefined) return found;
  const what = item === '' ? 'an empty measure name' : `unknown measure '${item}'`;
  throw new MeasureSpecError(`${what}; known: ${known()}`);
}

function parseCutoff(measure: MeasureName, text: string): number {
  const k = /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(k) && k > 0) return k;
  throw new MeasureSpecError(`measure ${measure}: cutoff '${text}' is not a whole number of at least 1`);
}
