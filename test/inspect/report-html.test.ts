// `splade explain`'s page as text (its rendering is explain-browser.test.ts): hostile text,
// tokens and terms stay text, and the title cut of a long text stays well-formed Unicode.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { explanationToHtml } from '../../src/inspect/report-html.js';
import type { SpladeExplanation } from '../../src/splade/explain.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** An explanation of `tokens` with one term per token, as explainText would give it. */
function explanation(text: string, tokens: string[]): SpladeExplanation {
  const seq = tokens.length;
  const uniform = new Float32Array(seq * seq).fill(1 / seq);
  return {
    text,
    tokens,
    inputIds: tokens.map((_, i) => i),
    terms: tokens.map((term, i) => ({ termId: i, term, weight: 1 + i, fromToken: i, perToken: new Float32Array(seq), inInput: true })),
    attentions: [new Tensor([1, seq, seq], uniform)],
  };
}

test('HTML in the text, tokens and terms is shown as text, never markup', () => {
  const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)><!--';
  const html = explanationToHtml(explanation(hostile, ['[CLS]', hostile, '\u2028', '[SEP]']), { modelName: '<b>model</b>' });
  assert.is(html.match(/<script/g)!.length, 2, 'the data block and the report script only');
  assert.not.match(html, /<img|<b>|<!--/);
  assert.ok(html.includes('&#60;/script&#62;&#60;script&#62;alert(1)'), 'the text escaped in the page');
  const data = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1];
  assert.equal(JSON.parse(data).tokens[1], hostile, 'the data block gives the token back as it was');
});

test('a long text\'s title is cut between characters, not inside a surrogate pair', () => {
  const text = `${'a'.repeat(59)}\u{1F600} and more text after the cut`;
  const html = explanationToHtml(explanation(text, ['[CLS]', 'a', '[SEP]']));
  const title = /<title>(.*)<\/title>/.exec(html)![1];
  assert.is(title, `SPLADE explained: ${'a'.repeat(59)}\u{1F600}…`);
  assert.not.match(html, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/, 'no lone surrogate (written as U+FFFD)');
});

test('the page gives the weight formula of the model\'s pooling (log1p_relu: log once more)', () => {
  const relu = explanationToHtml(explanation('war', ['[CLS]', 'war', '[SEP]']));
  assert.ok(relu.includes('turns each score into log(1 + max(0, score))'));
  const twice = explanationToHtml({ ...explanation('war', ['[CLS]', 'war', '[SEP]']), poolingActivation: 'log1p_relu' });
  assert.ok(twice.includes('turns each score into log(1 + log(1 + max(0, score)))'));
});

test.run();
