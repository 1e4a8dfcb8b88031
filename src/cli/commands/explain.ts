// `splade explain`: one text's SPLADE vector explained in a self-contained HTML page.
import { parseArgs } from 'node:util';
import { explanationToHtml } from '../../inspect/report-html.js';
import { writeFileAtomic } from '../../node/files.js';
import { SpladeEncoder } from '../../node/splade-encoder.js';
import { explainText } from '../../splade/explain.js';
import { BACKEND_FLAGS, BACKEND_USAGE, backendOptionsFromFlags } from '../backend-flags.js';
import { UsageError, type Command } from '../command.js';

const usage = `usage: splade explain --model DIR --text TEXT --out report.html [--top-k N] [--max-length N]

Writes one HTML file (no network, opens from disk) that shows how TEXT becomes its SPLADE
vector: the tokens, the terms as bars (words of the text and expansions told apart), the
token each term's weight comes from, and the attention of every layer and head.
  --top-k N        show the N heaviest terms (default 50)
  --max-length N   truncate the text to N tokens, [CLS] and [SEP] included

what computes:
${BACKEND_USAGE}`;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return Number(value);
}

export const command: Command = {
  summary: 'explain one text\'s SPLADE vector in a self-contained HTML report',
  usage,
  async run(args) {
    let values;
    try {
      values = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          model: { type: 'string' },
          text: { type: 'string' },
          out: { type: 'string' },
          'top-k': { type: 'string' },
          'max-length': { type: 'string' },
          ...BACKEND_FLAGS,
        },
      }).values;
    } catch (error) {
      throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    }
    if (values.model === undefined || values.text === undefined || values.out === undefined) {
      throw new UsageError(`--model, --text and --out are required\n${usage}`);
    }
    if (!values.out.endsWith('.html')) throw new UsageError(`--out must name an .html file, got '${values.out}'`);
    const topK = positiveInt('top-k', values['top-k']);
    const maxLength = positiveInt('max-length', values['max-length']);
    const encoder = await SpladeEncoder.fromPretrained(values.model, backendOptionsFromFlags(values));
    const explanation = await explainText(encoder, values.text, maxLength === undefined ? {} : { maxLength });
    const html = explanationToHtml(explanation, { modelName: values.model, ...(topK ? { topK } : {}) });
    await writeFileAtomic(values.out, html);
    const fromText = explanation.terms.filter((t) => t.inInput).length;
    const megabytes = (Buffer.byteLength(html) / 1e6).toFixed(1);
    process.stderr.write(`wrote ${values.out} (${megabytes} MB): ${explanation.tokens.length} tokens, ${explanation.terms.length} terms (${fromText} from the text), ${explanation.attentions.length} layers of attention\n`);
    // The attention maps grow with the square of the length: say how to make the page lighter.
    if (explanation.tokens.length > 256) process.stderr.write('note: the page holds every attention map; --max-length N makes it smaller for long texts\n');
    return 0;
  },
};
