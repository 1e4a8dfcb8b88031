// `splade explain`: one text's SPLADE vector explained in a self-contained HTML page.
import { explanationToHtml } from '../../inspect/report-html.js';
import { writeFileAtomic } from '../../node/files.js';
import { formatBytes } from '../../node/hub/progress.js';
import { SpladeEncoder } from '../../node/splade-encoder.js';
import { explainText } from '../../splade/explain.js';
import { parseCommandArgs, wholeNumber } from '../args.js';
import { BACKEND_FLAGS, backendUsage, backendOptionsFromFlags } from '../backend-flags.js';
import { dtypeUsage, dtypeOption } from '../dtype-option.js';
import { UsageError, type Command } from '../command.js';
import { cleanUpWhenInterrupted } from '../interrupted.js';
import { checkOutputPath } from '../output-path.js';
import { effectiveMaxLength, textNotices } from '../text-limits.js';

const usage = `usage: splade explain --model DIR|REPO_ID --text TEXT --out report.html [options]

Writes one HTML file (no network, opens from disk) that shows how TEXT becomes its SPLADE
vector: the tokens, the terms as bars (words of the text and expansions told apart), the
token each term's weight comes from, and the attention of every layer and head.
  --model DIR|REPO_ID  a model folder, or a Hugging Face repository id (owner/name)
  --text TEXT          the text to explain: exactly one (one page per text; run it once per text)
  --out FILE.html      the page to write (whole or not at all)
  --top-k N            show the N heaviest terms (default 50)
  --max-length N       truncate the text to N tokens, [CLS] and [SEP] included (at most the
                       model's max_position_embeddings)
${dtypeUsage(23)}

what computes:
${backendUsage(23)}

Interrupted (Ctrl-C, SIGTERM), it removes its temporary file and exits with status 130
(SIGTERM: 143); the --out file is left as it was.`;

export const command: Command = {
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      model: { type: 'string' },
      text: { type: 'string', multiple: true },
      out: { type: 'string' },
      'top-k': { type: 'string' },
      'max-length': { type: 'string' },
      ...BACKEND_FLAGS,
      dtype: { type: 'string' },
    });
    const missing = [
      values.model === undefined && '--model DIR|REPO_ID',
      values.text === undefined && '--text TEXT',
      values.out === undefined && '--out FILE.html',
    ].filter(Boolean);
    if (missing.length > 0) throw new UsageError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required`);
    // One page explains one text: a second --text would have nowhere to go, so it is a mistake
    // said out loud rather than a text silently dropped.
    if (values.text!.length > 1) throw new UsageError(`explain takes one --text (got ${values.text!.length}); run it once per text, each with its own --out`);
    const [text] = values.text!;
    const out = values.out!;
    if (!out.endsWith('.html')) throw new UsageError(`--out must name an .html file, got '${out}'`);
    await checkOutputPath({ flag: '--out', path: out }, []);
    const topK = wholeNumber('top-k', values['top-k'], { min: 1 });
    const maxLength = wholeNumber('max-length', values['max-length'], { min: 2 });
    const encoder = await SpladeEncoder.fromPretrained(values.model!, { ...backendOptionsFromFlags(values), ...dtypeOption(values.dtype) });
    const { tokenizer } = encoder;
    if (tokenizer) {
      const limits = { tokenizer, maxPositions: encoder.model.sizes.max_position_embeddings };
      for (const notice of textNotices(tokenizer, [encoder.tokenizerText(text)], effectiveMaxLength(maxLength, limits))) process.stderr.write(notice + '\n');
    }
    const explanation = await explainText(encoder, text, maxLength === undefined ? {} : { maxLength });
    const html = explanationToHtml(explanation, { modelName: values.model!, ...(topK ? { topK } : {}) });
    // Stopped by Ctrl-C or kill, the run leaves no temporary file behind.
    cleanUpWhenInterrupted(out);
    await writeFileAtomic(out, html);
    const fromText = explanation.terms.filter((t) => t.inInput).length;
    const size = formatBytes(Buffer.byteLength(html));
    process.stderr.write(`wrote ${out} (${size}): ${explanation.tokens.length} tokens, ${explanation.terms.length} terms (${fromText} from the text), ${explanation.attentions.length} layers of attention\n`);
    // The attention maps grow with the square of the length: say how to make the page lighter.
    if (explanation.tokens.length > 256) process.stderr.write('note: the page holds every attention map; --max-length N makes it smaller for long texts\n');
    return 0;
  },
};
