// `splade explain`'s report: one self-contained HTML page (inline style, script and data; no
// fonts, images or requests) that shows how a text became its SPLADE vector.
import type { PoolingActivation } from '../io/sparse-encoder-layout.js';
import type { SpladeExplanation, TokenizerKind } from '../splade/explain.js';
import { REPORT_SCRIPT } from './report-script.js';

export interface ReportOptions {
  /** Show the N heaviest terms (default 50; the summary counts all of them). */
  readonly topK?: number;
  /** The page title (default: the start of the text). */
  readonly title?: string;
  /** Where the model came from, shown in the header. */
  readonly modelName?: string;
}

/** The data block the report's script draws from. */
interface ReportData {
  readonly tokens: readonly string[];
  readonly terms: ReadonlyArray<{ term: string; weight: number; inInput: boolean; fromToken: number; perToken: number[] }>;
  readonly layers: number;
  readonly heads: number;
  /** [layer][head][query][key] */
  readonly attentions: number[][][][];
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function reportData(explanation: SpladeExplanation, topK: number): ReportData {
  const { tokens, attentions } = explanation;
  const seq = tokens.length;
  const heads = attentions.length > 0 ? attentions[0].shape[0] : 0;
  return {
    tokens,
    terms: explanation.terms.slice(0, topK).map((t) => ({
      term: t.term,
      weight: round(t.weight, 4),
      inInput: t.inInput,
      fromToken: t.fromToken,
      perToken: Array.from(t.perToken, (w) => round(w, 3)),
    })),
    layers: attentions.length,
    heads,
    attentions: attentions.map((layer) =>
      Array.from({ length: heads }, (_, h) =>
        Array.from({ length: seq }, (_, q) =>
          Array.from(layer.data.subarray((h * seq + q) * seq, (h * seq + q + 1) * seq), (p) => round(p, 3))))),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element (no "</script>", no "<!--"). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a202c; margin: 24px auto; max-width: 1100px; padding: 0 16px; }
  h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #e2e8f0; }
  .text { background: #f7fafc; border-left: 4px solid #a0aec0; padding: 8px 12px; white-space: pre-wrap; }
  .hint { color: #4a5568; max-width: 820px; }
  .summary { font-weight: 600; }
  #tokens { display: flex; flex-wrap: wrap; gap: 6px; margin: 10px 0; }
  .token { --vote: 0; display: inline-flex; flex-direction: column; align-items: center; border: 1px solid #cbd5e0; border-radius: 6px; padding: 2px 6px;
    background: rgba(221, 107, 32, calc(var(--vote) * 0.45)); min-width: 28px; }
  .token.source { outline: 3px solid #c05621; }
  .token .pos { font-size: 10px; color: #718096; } .token .tok { font-family: ui-monospace, monospace; } .token .contrib { font-size: 11px; color: #744210; min-height: 14px; }
  .legend span { display: inline-block; margin-right: 18px; } .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
  .term-row { display: grid; grid-template-columns: 150px 1fr 48px 190px; align-items: center; gap: 8px; padding: 1px 4px; cursor: pointer; border-radius: 4px; }
  .term-row:hover, .term-row.selected { background: #edf2f7; }
  .term { font-family: ui-monospace, monospace; text-align: right; overflow: hidden; text-overflow: ellipsis; }
  .track { background: #f1f5f9; height: 14px; border-radius: 3px; } .bar { display: block; height: 100%; border-radius: 3px; }
  .original .bar, .swatch.original { background: #2b6cb0; } .expansion .bar, .swatch.expansion { background: #dd6b20; }
  .weight { font-variant-numeric: tabular-nums; } .from { color: #4a5568; font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  #term-detail { margin: 8px 0; min-height: 20px; }
  .controls select { font-size: 14px; margin-right: 10px; }
  #heatmap { overflow: auto; margin-top: 10px; } .axis { font: 11px ui-monospace, monospace; fill: #2d3748; }
`;

/** A term's weight from a token's score, as the pooling computes it. */
const WEIGHT_FORMULA: Readonly<Record<PoolingActivation, string>> = {
  relu: 'log(1 + max(0, score))',
  log1p_relu: 'log(1 + log(1 + max(0, score)))',
};

/** How each tokenizer's tokens read, for the tokens section of the page. */
const TOKENS_READ: Readonly<Record<TokenizerKind, string>> = {
  wordpiece: 'WordPiece tokens (pieces that continue a word start with ##)',
  'byte-level-bpe': 'byte-level BPE tokens (Ġ marks a token that follows a space; a character outside ASCII shows as its UTF-8 bytes, é as Ã©)',
  unigram: 'SentencePiece pieces (▁ marks a piece that starts a word)',
};

/** How the tokens were made, in the words of the tokenizer that made them, between its first and last token. */
function tokensHint(explanation: SpladeExplanation): string {
  const { tokens, tokenizerKind } = explanation;
  const what = tokenizerKind ? TOKENS_READ[tokenizerKind] : 'tokens';
  const between = tokens.length > 1 ? ` between ${tokens[0]} and ${tokens[tokens.length - 1]}` : '';
  return `The tokenizer splits the text into ${what}${between}.`;
}

export function explanationToHtml(explanation: SpladeExplanation, options: ReportOptions = {}): string {
  const topK = options.topK ?? 50;
  const terms = explanation.terms;
  const fromText = terms.filter((t) => t.inInput).length;
  const shown = Math.min(topK, terms.length);
  // Cut by code points: a cut inside a surrogate pair would show as U+FFFD.
  const characters = Array.from(explanation.text);
  const title = options.title ?? `SPLADE explained: ${characters.slice(0, 60).join('')}${characters.length > 60 ? '…' : ''}`;
  const data = reportData(explanation, topK);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${options.modelName ? `<p class="hint">Model: <code>${escapeHtml(options.modelName)}</code></p>` : ''}
<div class="text">${escapeHtml(explanation.text)}</div>
<p class="summary" data-role="summary">${explanation.tokens.length} tokens → ${terms.length} SPLADE terms: ${fromText} words of the text, ${terms.length - fromText} expansions${shown < terms.length ? ` (the ${shown} heaviest shown)` : ''}.</p>

<h2>1. Tokens</h2>
<p class="hint">${escapeHtml(tokensHint(explanation))} Each token gets a vector (its embedding); the layers below mix the vectors together.</p>
<div id="tokens"></div>

<h2>2. SPLADE terms</h2>
<p class="hint">At every token, the masked-language-model head scores all words of the vocabulary: "which words fit here?". SPLADE turns each score into ${WEIGHT_FORMULA[explanation.poolingActivation ?? 'relu']} and keeps, for each word, its largest value over the tokens. The result is a weighted bag of words, including words that are not in the text (expansions). Click a term to see the weight each token gives it; the outlined token is where its weight comes from.</p>
<p class="legend"><span><i class="swatch original"></i>word of the text</span><span><i class="swatch expansion"></i>expansion (not in the text)</span></p>
<div id="term-detail"></div>
<div id="terms"></div>

<h2>3. Attention</h2>
<p class="hint">In each layer, every head lets each token (row) gather information from the other tokens (columns); a darker cell means more attention. Each row adds up to 1. Rows of [CLS], [SEP] and punctuation often soak up attention: a head's way of doing nothing. Pick a layer and a head (or the mean of the layer's heads); hover a cell for its value.</p>
<div class="controls"><label>Layer <select id="layer" data-role="layer-select"></select></label><label>Head <select id="head" data-role="head-select"></select></label></div>
<p class="hint" id="scale"></p>
<div id="heatmap"></div>

<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
