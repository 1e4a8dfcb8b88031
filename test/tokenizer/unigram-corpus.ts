// The SentencePiece Unigram test corpus: the byte-level BPE corpus (itself the WordPiece corpus
// and more: accents, CJK, emoji, controls, spaces, lone surrogates, very long words, fuzz),
// held-out sentences of the fixture's multilingual training text, and texts aimed at what is
// particular to the Precompiled normalizer (nmt_nfkc's expansions and removals, grapheme
// clusters, characters removed at the very start), Replace (" {2,}") and Metaspace ("▁").
// The expected ids are never written here: the tests ask the Rust `tokenizers` binding.
import { readFileSync } from 'node:fs';
import { mulberry32 as random } from '../../tools/random.js';
import { bpeCorpus } from './bpe-corpus.js';
import type { CorpusText } from './corpus.js';

/** The fixtures written by test/parity/unigram_fixtures.py (npm run parity:unigram-fixtures). */
export const UNIGRAM_FIXTURES = new URL('../fixtures/unigram/', import.meta.url);

/** A fixture's text: 'xlmr-nmt-nfkc.tokenizer.json', 'identity.tokenizer.json', 'xlmr-nmt-nfkc.spm-ids.json'. */
export function unigramFixture(name: string): string {
  return readFileSync(new URL(name, UNIGRAM_FIXTURES), 'utf8');
}

/** sentencepiece's ids (fairseq offset applied, <s> … </s> around) for held-out texts. */
export function spmReference(): Array<{ text: string; ids: number[] }> {
  return JSON.parse(unigramFixture('xlmr-nmt-nfkc.spm-ids.json')) as Array<{ text: string; ids: number[] }>;
}

const normalization = [
  'ﬁ ﬂ ﬃ', 'ＡＢＣ ｈｅｌｌｏ １２３', '①②③ ⑴ ⒈', 'Ⅻ ⅻ', 'x² H₂O', '½ ¾', '™ ℃ ℉ №', '… ‥', '㍻ ㌔ ㎏', 'ｶﾀｶﾅ ﾊﾟ ｶﾞ',
  'e\u0301 a\u0300 o\u0308', 'Ａ\u0301 ｅ\u0301', 'Å Å Å', '한국어 한국어', 'ǅ ǆ Ǆ', 'ſ ẛ', 'ﷺ', 'ﷻ', 'ㄱㅏ', 'ꭐ',
  '\u200bhello', '\u200b', 'x\u200by', '\u00adsoft\u00ad', '™\u001eg', '\u001e™', '\ufeffBOM', 'a\u0000b', '\u0301start',
  '\u3000full width space\u3000', 'tab\there', 'nbsp\u00a0here', 'x\u2028y\u2029z', 'क्षत्रिय', 'ক্ষ', 'ñ ñ',
  '👨‍👩‍👧‍👦👍🏽🇫🇷🏳️‍🌈', '❤️', '1️⃣', 'é́́', 'g̈', '각', '각', 'ᄀᄀᄀ', '\u0e01\u0e33', 'ำ',
];

const metaspace = [
  '▁', '▁▁', 'a▁b', '▁start', 'end▁', ' ▁ ', 'a ▁b', '  ', ' a', 'a ', '   a   b   ', 'a\u3000\u3000b', '\u3000a',
  'one  two   three', '<s>hello', 'hello</s>', ' <mask>', 'x <mask> y', '<mask>', '<pad><unk>', 'a<unk>b', '▁<mask>',
];

function multilingual(): string[] {
  return spmReference().map((row) => row.text);
}

/** Random strings over the characters the Unigram pipeline turns on. */
function fuzz(next: () => number, length: number): string {
  const pool = [...' ▁aéÅﬁＡ１①東京😀👍🏽\u200b\u0301\u3000\u00a0\t\nпр'].concat(['<mask>', '<s>', 'e\u0301', '  ', 'ﬃ', 'ｶﾞ']);
  let text = '';
  for (let i = 0; i < length; i++) text += pool[Math.floor(next() * pool.length)];
  return text;
}

/** Every text of the Unigram corpus. */
export function unigramCorpus(): CorpusText[] {
  const texts = bpeCorpus();
  const add = (category: string, list: string[]): void => {
    for (const text of list) texts.push({ category, text });
  };
  add('normalization', normalization);
  add('metaspace', metaspace);
  add('multilingual', multilingual());
  const next = random(11);
  for (let i = 0; i < 150; i++) texts.push({ category: 'unigram fuzz', text: fuzz(next, 1 + Math.floor(next() * 30)) });
  return texts;
}
