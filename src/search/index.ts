// Search over SPLADE vectors without a server: the index file, its builder, the searcher and
// the evaluation measures. Browser-safe (no Node built-ins); the file-system side is in
// src/node/index-file.ts.
export { FORMAT_VERSION, IndexFormatError, MAGIC, type ImpactType, type IndexHeader } from './index-format.js';
export { DuplicateIdError, IndexBuildError, IndexBuilder, MAX_VOCAB_SIZE, buildIndex, type IndexBuilderOptions, type IndexStats } from './index-builder.js';
export { memoryRunStorage, memorySink, type IndexSink, type RunReader, type RunStorage, type RunWriter } from './storage.js';
export { QueryError, SparseIndex, type OpenIndexOptions, type SearchHit, type SearchOptions } from './sparse-index.js';
export type { ScoredDoc } from './top-k.js';
export { termRows, type HitExplanation, type MatchedTerm, type TermRow } from './hit-explanation.js';
export { VectorLineError, parseVectorLine, type VectorLine } from './vector-lines.js';
export { TrecFormatError, parseQrels, parseRun, runLine, type Qrels, type Run as TrecRun, type RunEntry } from './trec.js';
export { evaluateRun, measureQuery, ndcgAt, rankEntries, recallAt, reciprocalRankAt, type Evaluation, type Measures } from './metrics.js';
export { MEASURE_NAMES, MeasureSpecError, isCount, parseMeasures, printedNames, takesCutoffs, type CutoffMeasure, type MeasureName, type MeasureRequest } from './measure-spec.js';
export { evaluateMeasures, type MeasureValues, type TrecEvalOptions, type TrecEvaluation } from './trec-measures.js';
