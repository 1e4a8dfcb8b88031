// The byte-level BPE test corpus: the WordPiece corpus (prose, queries, accents, CJK, emoji,
// controls, random code points, a 5,000-word text, …) and texts aimed at what is particular to
// GPT-2's pre-tokenizer and RoBERTa's special tokens: contractions, runs of spaces before a
// word, spaces at the ends, <mask> with the space it strips, characters whose class differs
// between Rust and JavaScript. The expected ids are never written here: the tests ask the
// Rust `tokenizers` binding for them.
import { mulberry32 as random } from '../../tools/random.js';
import { corpus, type CorpusText } from './corpus.js';

const contractions = [
  "don't", "I'll", "we're", "you've", "I'm", "she'd", "it's", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d",
  "DON'T I'LL WE'RE", "It'S", "rock 'n' roll", "''s", "'''", "'sss", "x'st", "o' clock", "'", "a ' s", "'ll've'd",
  'l’avion (typographic apostrophe)', "Don't stop believing; hold on to that feelin'.",
];

const spaces = [
  ' ', '  ', '   ', ' leading', '  two leading', 'trailing ', 'trailing two  ', ' both ', 'a  b', 'a   b', 'a    b',
  'a\tb', 'a \tb', 'a\t b', 'a\t\tb', 'a\nb', 'a \nb', 'a\n b', 'a\n\nb', 'a\r\nb', '\n', '\n\n', ' \n ', '\t\t',
  'x \u00a0y', 'x\u00a0\u00a0y', 'x\u3000y', 'x \u3000 y', 'x\u2028y', 'x\u0085y', 'x \u0085y', 'x\u0085 y', 'x\ufeffy', ' \ufeff ',
  '\ufeffBOM first', 'x\u200by', 'x\u180ey', 'x\u2007\u2008 y', '1 2  3   4', '! ? .', ' !!', '  ...', ' 123', '  123', ' 東京', '  😀',
];

const specials = [
  '<s>', '</s>', '<pad>', '<unk>', '<mask>', '<s></s>', '<mask><mask>', ' <mask>', '  <mask>', '\t<mask>', '<mask> ',
  'The capital of France is <mask>.', 'The capital of France is<mask>.', 'a <mask>b', 'a<mask> b', 'hello <s> world',
  'x</s>y', '<s> text </s>', '<<mask>>', '<mask', 'mask>', '<MASK>', '< mask >', '<s><s>', '\n<mask>\n', '\u3000<mask>',
  '<|endoftext|>', 'text<|endoftext|>more',
];

const numbersAndSymbols = [
  '123456789', '3.14159', '1,000,000', '2nd 3rd 4th', '½ ¾ ⅓', '٣٤٥', '१२३', '①②③', 'Ⅻ', '$100.00', '100%', '#hashtag @user',
  '!!!???', '...', '—–-', '«»‹›', '()[]{}<>', 'a+b=c', 'C++ and C#', 'x_y_z', '/usr/bin/env', 'https://example.com/a?b=c&d=e',
  '{"key": [1, 2, 3]}', 'def f(x):\n    return x ** 2\n', '😀😀😀', '👨‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', '🇫🇷🇩🇪', 'é', 'e\u0301', 'ﬁ', 'Ǆ',
];

const scripts = [
  'naïve café résumé', 'Ünïcödé', 'Ελληνικά κείμενα', 'Русский текст', 'עברית', 'العربية', 'हिन्दी', 'ไทย', '中文文本分词',
  '日本語のテキスト', 'カタカナ', '한국어 텍스트', 'Tiếng Việt', 'ʻOkina', 'ǅungla', 'ß ẞ', 'İı',
  // Letters and numbers of Unicode 15–16 (Rust knows them) and 17 (Rust does not).
  '\u{1c89}\u{1c8a} \u{10d4a}\u{10d4b} \u{16d40}\u{16d41} \u{10d40}\u{10d41} \u{1e5f1}9',
  'a\u{a7ce}b \u{10940}\u{10941} 1\u{11de0}2 \u{323b0}\u{323b1} x\u{16ff4}',
];

const loneSurrogates = ['\ud800', '\udfff', 'a\ud800b', 'a\udc00b', '\ud83d x', 'x \ude00', '\ude00\ud83d', 'ab\ud800'];

function longWords(): string[] {
  return [
    'a'.repeat(5000), 'ab'.repeat(3000), '1'.repeat(3000), '!'.repeat(3000), ' '.repeat(3000) + 'x', 'x' + ' '.repeat(3000),
    '東'.repeat(2000), '😀'.repeat(1500), 'supercalifragilistic'.repeat(200), `word ${'é'.repeat(2000)} word`,
  ];
}

/** Code points for the fuzz texts: what the pattern's alternatives turn on. */
const FUZZ_POOL = [..."     \t\n'''sStmdlrve.,!?-_()0123456789aAbéü東😀<>/"].concat(['\u00a0', '\u3000', '\u0085', '\ufeff', '\u200d', '\u0301', '<mask>', '<s>', '</s>']);

function fuzz(next: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += FUZZ_POOL[Math.floor(next() * FUZZ_POOL.length)];
  return text;
}

/** Every text of the byte-level BPE corpus (the WordPiece corpus and more). */
export function bpeCorpus(): CorpusText[] {
  const texts = corpus();
  const add = (category: string, list: string[]): void => {
    for (const text of list) texts.push({ category, text });
  };
  add('contractions', contractions);
  add('spaces', spaces);
  add('RoBERTa special tokens in text', specials);
  add('numbers and symbols', numbersAndSymbols);
  add('scripts', scripts);
  add('lone surrogates', loneSurrogates);
  add('very long words', longWords());
  const next = random(7);
  for (let i = 0; i < 150; i++) texts.push({ category: 'pattern fuzz', text: fuzz(next, 1 + Math.floor(next() * 40)) });
  return texts;
}
