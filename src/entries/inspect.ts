// splade-ts/inspect: activation dumps by Hugging Face name, where each SPLADE term comes
// from, and the self-contained HTML explanation.
export { dumpActivations, type DumpOptions, type NamedTensors } from '../inspect/dump.js';
export { explanationToHtml, type ReportOptions } from '../inspect/report-html.js';
export { explainText, type ExplainableEncoder, type ExplainedTerm, type SpladeExplanation, type TokenizerKind } from '../splade/explain.js';
export { termOrigins, type TermOrigin } from '../splade/term-origins.js';
