// The tokenizer test corpus: texts chosen to reach every corner of BERT tokenization, each
// with a category. The expected ids are never written here: parity.test.ts asks Hugging Face's
// Rust tokenizer (npm `tokenizers`) for them at test time.
import { mulberry32 as random } from '../../tools/random.js';

export interface CorpusText {
  category: string;
  text: string;
}

const prose = [
  'The quick brown fox jumps over the lazy dog.',
  'SPLADE learns sparse lexical representations for first-stage retrieval.',
  'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.',
  "Don't stop believing; hold on to that feelin'.",
  "I'm sure they've said they're coming, but we'll see what's what.",
  'Mr. Smith went to Washington D.C. on Jan. 3rd, 1999, at 10:30 a.m.',
  'The mitochondria is the powerhouse of the cell.',
  'Photosynthesis converts light energy into chemical energy stored in glucose.',
  'In 1492, Columbus sailed the ocean blue.',
  'Supercalifragilisticexpialidocious is a word from Mary Poppins.',
  'Antidisestablishmentarianism, floccinaucinihilipilification and pneumonoultramicroscopicsilicovolcanoconiosis are long.',
  'She said, "Hello!" and he replied, "Goodbye?"',
  'Transformers use self-attention (Vaswani et al., 2017) to model dependencies.',
  'The U.S.A. and the U.K. signed the treaty; the E.U. abstained.',
  'Tokenization splits text into word pieces: un##believ##able.',
  'He paid $1,234.56 for the 2nd-hand car — a bargain!',
  'Rock & roll, R&B, and hip-hop/rap are genres.',
  'The patient presented with acute myocardial infarction and was given aspirin 325mg.',
  'Quantum chromodynamics describes the strong interaction between quarks and gluons.',
  'The court held that the statute was unconstitutional under the Fourteenth Amendment.',
  'Add 2 cups of flour, 1 tsp of salt, and ½ cup of butter.',
  'CamelCaseWordsAndALLCAPS and snake_case_words and kebab-case-words.',
  'iPhone, eBay, McDonald\'s, O\'Neill, and d\'Artagnan.',
  'Well... I don\'t know!!! Really??? Maybe?!',
  'The price rose 15% year-over-year (from €20 to €23).',
  'Email me at the usual address; I\'ll reply ASAP.',
  'Once upon a time, in a land far, far away, there lived a dragon.',
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.',
  'Neural retrieval models rank documents by relevance to a query.',
  'The committee will reconvene at 3 p.m. to discuss the budget for FY2025.',
];

const queries = [
  'what is splade',
  'how to bake sourdough bread',
  'weather tomorrow paris',
  'best python library for nlp',
  'symptoms of covid-19',
  'who wrote pride and prejudice',
  'capital of australia',
  'convert 5 miles to km',
  'define: serendipity',
  'iphone 15 pro max price',
  'c++ vs rust performance',
  'why is the sky blue?',
  'BM25 vs dense retrieval',
  'nearest pharmacy open now',
  'how many ounces in a cup',
  'python list comprehension example',
  'what does "ad hoc" mean',
  'site:example.com tokenizer',
  'error: cannot find module',
  'tesla stock TSLA',
  'recipe chicken tikka masala',
  'who won the world cup 2022',
  '"exact phrase" search',
  'how-to fix a leaky faucet',
  'flights nyc -> lax',
  'is 17 a prime number',
  'translate bonjour to english',
  'ms marco passage ranking',
  'learned sparse retrieval explained',
  'k8s pod crashloopbackoff',
];

const accents = [
  'café résumé naïve façade',
  'Crème brûlée à la française',
  'São Paulo, Bogotá, Zürich, Kraków, Reykjavík',
  'El niño comió jalapeños en Año Nuevo',
  'Dvořák, Smetana, Janáček',
  'Ångström, Øresund, Ærø',
  'Björk Guðmundsdóttir',
  'Nguyễn Tấn Dũng, Việt Nam',
  'e\u0301 a\u0300 o\u0302 u\u0308 n\u0303 c\u0327',
  'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dalgo text',
  'a\u0301\u0301\u0301\u0301 stacked marks',
  '\u0301 leading combining mark',
  'ǅ ǈ ǋ ǲ titlecase digraphs',
  'ﬁ ﬂ ﬀ ﬃ ﬄ ligatures',
  'Ⅻ ⅻ ① ② ³ ½ compatibility characters',
  'Ｆｕｌｌｗｉｄｔｈ ｌｅｔｔｅｒｓ １２３',
  'ｶﾀｶﾅ halfwidth katakana',
  'Å (angstrom sign) K (kelvin sign) Ω (ohm sign)',
  'Pokémon Pikachu Évolution',
  'ÀÉÎÕÜ àéîõü',
  'ḍḥṃṇṛṣṭ Sanskrit transliteration',
  'Ελληνικά με τόνους: ά έ ή ί ό ύ ώ ΐ ΰ',
  'क्षत्रिय हिन्दी देवनागरी',
  'ঀ বাংলা ভাষা',
  'Tiếng Việt có dấu',
  'ṩ ḉ ǖ multiple diacritics',
  'x\u20dd y\u20de enclosing marks',
  'क़ ख़ ग़ nukta',
  'ü\u0308 doubled umlaut',
  'ȷ ı dotless letters',
];

const germanTurkish = [
  'Straße Fußball Maß ẞ GROSSE STRASSE',
  'ß alone and ẞ capital',
  'İstanbul İzmir IĞDIR ığdır',
  'Türkçe: ıiIİ şŞ çÇ ğĞ öÖ üÜ',
  'DİYARBAKIR and diyarbakır',
  'KİTAP kitap KITAP',
  'Weißwurst und Brezel',
  'Maßstab, Grüße, Größe',
  'I\u0307 dotted capital by combining',
  'i̇stanbul with combining dot',
];

const greekCyrillic = [
  'ΣΊΣΥΦΟΣ Σίσυφος',
  'ΟΔΥΣΣΕΥΣ Odysseus',
  'Σ alone, ΣΣ, ΑΣ, ΣΑ',
  'λόγος logos φιλοσοφία',
  'Καλημέρα κόσμε',
  'ΆΈΉΊΌΎΏ',
  'Привет, мир! Как дела?',
  'Москва — столица России.',
  'Ёжик в тумане, ёлка',
  'Україна, їжак, ґанок',
  'Беларусь, ў',
  'Српски: Љубљана, Његош, Ђорђе',
  'Қазақстан, Өзбекстан',
  'ПРОПИСНЫЕ БУКВЫ и строчные',
  'Mixed Latin и кириллица ABC АВС',
];

const cjk = [
  '我爱自然语言处理',
  '北京是中国的首都。',
  '今日は良い天気ですね。',
  '東京タワーに行きました',
  'ひらがな カタカナ 漢字',
  'ｱｲｳｴｵ and アイウエオ',
  '한국어 자연어 처리',
  '서울특별시 강남구',
  '안녕하세요! 반갑습니다.',
  '中文English混合text',
  '第1章：はじめに',
  '「引用」『二重』【括弧】',
  '、。・ー～',
  '𠀀𠀁𠀂 extension B ideographs',
  '𪜀 𫝀 𫠠 𫠟 𫡀 𬀀 𮯠 ideographs around range edges',
  '丽 丸 乁 compatibility supplement',
  '豈 更 車 compatibility ideographs',
  '〇 ideographic zero',
  '㐀㐁 extension A',
  '鿿 鿰 edge of unified block',
  '漢字と仮名が混ざった文です',
  'ㄱㄴㄷ compatibility jamo',
  '각 conjoining jamo',
  '가각갂 Hangul syllables',
  'ﾊﾝｶｸ ｶﾀｶﾅ ﾃﾞｽ',
  '周杰倫的歌很好聽',
  '粵語：你食咗飯未呀？',
  'Unicode 𰀀 𱍐 𲎯 newer ideographs',
  '⺀ ⼀ ⿕ radicals',
  '㍿ ㋿ ㈱ squared and parenthesized',
];

const emoji = [
  '😀😃😄😁',
  'I ❤️ NY',
  '👍🏽 thumbs up medium skin',
  '👨‍👩‍👧‍👦 family ZWJ sequence',
  '🏳️‍🌈 rainbow flag',
  '🇺🇸🇬🇧🇯🇵 flags',
  '🤣🥰🦄 newer emoji',
  '✈️ ☀️ ⚽ ⭐',
  'emoji🙂inside🙃words',
  '#️⃣ *️⃣ 1️⃣ keycaps',
  '👩🏻‍💻 technologist',
  '🧑‍🤝‍🧑 people holding hands',
  '©️ ®️ ™️',
  '🫠🫶🪿 recent',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿 scotland tag sequence',
  '♀️♂️⚕️',
  '😀 😀 😀',
  ':-) ;-) :D <3',
  '⌚⌛⏰',
  '🔥🔥🔥 lit',
];

const controlAndSpaces = [
  'tab\tseparated\tvalues',
  'line\nbreaks\r\nand\rcarriage',
  'nul\u0000inside',
  'bell\u0007 and escape\u001b[0m',
  'vertical\u000btab and form\u000cfeed',
  'next\u0085line',
  'delete\u007fchar',
  'c1\u0080\u0090\u009fcontrols',
  'zero\u200bwidth\u200bspace',
  'zero\u200cwidth\u200dnon joiner',
  'word\u2060joiner',
  '\ufeffbyte order mark',
  'soft\u00adhyphen',
  'non\u00a0breaking\u00a0space',
  'narrow\u202fno-break',
  'em\u2003space en\u2002space thin\u2009space hair\u200a',
  'ideographic\u3000space',
  'line\u2028separator paragraph\u2029separator',
  'ogham\u1680space',
  'mongolian\u180evowel separator',
  'replacement \ufffd char',
  'private \ue000\uf8ff use',
  '\u{f0000}\u{10fffd} supplementary private use',
  'rtl \u200fmark and \u202eoverride\u202c',
  'arabic \u0600 number sign and \u061c letter mark',
  'interlinear \ufff9annotation\ufffb',
  'tag \u{e0001}\u{e0041} chars',
  'variation selectors ︀ \ufe0f',
  '\u0890\u08e2 newer format chars',
  '\u{13430}\u{1343f} egyptian format controls',
  'noncharacters \ufdd0 \uffff \u{1fffe}',
  'unassigned \u0378 \u{2fffe}',
  '\u0000\u0000\u0000',
  '\t\n\r',
  '  leading and trailing spaces  ',
];

const punctuation = [
  'dashes: - ‐ ‑ ‒ – — ― ⁓ ⸺ ⸻ 〜',
  'quotes: “double” ‘single’ «guillemets» ‹single› „low“ ‚low‘ 「corner」',
  'primes: ′ ″ ‴ and ticks ` ´',
  'ellipsis… and middle·dot • bullet ‣ triangle',
  '¡Hola! ¿Qué tal?',
  'math: ± × ÷ ≠ ≤ ≥ ∞ ∑ √ ∫ ∂ ∆',
  'currency: $ € £ ¥ ₹ ₽ ₿ ¢',
  'symbols: § ¶ † ‡ © ® ™ ° ‰ ‱',
  'brackets: ( ) [ ] { } ⟨ ⟩ ⟦ ⟧ ⦃ ⦄',
  'ascii: !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  'repeated!!!???...,,,;;;',
  'under_score__double___triple',
  'slash/back\\slash|pipe',
  'caret^tilde~grave`',
  'arabic ، ؛ ؟ punctuation',
  'hebrew ׳ ״ ־ punctuation',
  'devanagari । ॥ danda',
  'cjk 。、！？：；（）',
  'newer punctuation ⹃ ⹎ \u2e52 \u2e5d',
  'armenian ՚ ՛ ՜ ՝ ՞ ՟',
  'ethiopic ። ፣ ፤',
  'tibetan ༄ ༅ ༆',
  'historic 𐄀 𐄁 𑙠 𑁇',
  'canadian ᙭ ᙮',
  '⁅ ⁆ ⁽ ⁾ ₍ ₎',
];

const technical = [
  'https://www.example.com/path/to/page?query=string&foo=bar#fragment',
  'http://localhost:8080/api/v1/users/42',
  'ftp://files.example.org/pub/file.tar.gz',
  'Visit https://huggingface.co/prithivida/Splade_PP_en_v1 for details.',
  'john.doe+newsletter@example.co.uk',
  'Contact support@huggingface.co or admin@localhost',
  'user_name-123@sub.domain-name.com',
  'function add(a, b) { return a + b; }',
  'const x = arr.map((v) => v * 2).filter(Boolean);',
  'def forward(self, x): return self.linear(x)',
  'SELECT * FROM users WHERE id = 1 AND name LIKE \'%doe%\';',
  '#include <stdio.h>\nint main(void) { printf("%d\\n", 42); }',
  '<div class="container"><p>Hello &amp; welcome</p></div>',
  '{"key": "value", "list": [1, 2, 3], "nested": {"a": null}}',
  'git commit -m "fix: tokenizer offsets" && git push origin main',
  'npm install --save-dev typescript@5.9',
  'C:\\Users\\Admin\\Documents\\file.txt',
  '/usr/local/bin/python3 -m pip install torch==1.13.1',
  'x86_64-unknown-linux-gnu',
  'IPv4 192.168.0.1, IPv6 2001:0db8:85a3::8a2e:0370:7334',
  'MAC 00:1A:2B:3C:4D:5E',
  'SHA-256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'UUID 123e4567-e89b-12d3-a456-426614174000',
  'regex /^[a-z0-9_-]{3,16}$/i',
  'a->b, a=>b, a::b, a..b, a...b, a?.b, a??b',
  '$HOME ${PATH} %APPDATA% @decorator #hashtag',
  'LaTeX: $\\frac{a}{b} + \\sqrt{x^2}$',
  'base64: SGVsbG8gV29ybGQhCg==',
  '2024-01-15T10:30:00.000Z',
  'v1.2.3-beta.4+build.567',
];

const numbers = [
  '1,000,000 and 1.000.000 and 1 000 000',
  '3.14159 2.71828 1.41421',
  '10^6 1e-9 6.022e23',
  '+1 (555) 123-4567',
  '12/31/2023 31.12.2023 2023-12-31',
  '$1,234.56 €1.234,56 ¥123,456',
  '50% 0.5‰ 3/4',
  '١٢٣٤٥ Arabic-Indic digits',
  '०१२३ Devanagari digits',
  '一二三 十百千万 Chinese numerals',
  '1st 2nd 3rd 4th 21st 101st',
  '007 0x1F 0b1010 0o17',
  '−5 minus sign and -5 hyphen',
  '12:30:45 AM',
  'ISBN 978-3-16-148410-0',
  '٣٫١٤ Arabic decimal separator',
  '1’000’000 Swiss thousands',
  '9,999,999,999,999',
  '0.000001',
  'Ⅰ Ⅱ Ⅲ Ⅳ roman numerals',
];

const specials = [
  '[CLS] [SEP] [PAD] [UNK] [MASK]',
  'The capital of France is [MASK].',
  '[MASK][MASK][MASK]',
  'x[MASK]y',
  '[mask] lowercase is not special',
  '[Mask] mixed case',
  '[ MASK ] with spaces',
  '[[MASK]]',
  '[MASK]]',
  '[[CLS]',
  '[SEP]end',
  'start[CLS]',
  '[unused0] [unused1] [unused99]',
  '[UNK] [unk]',
  '##ing ## # ###',
  '[MASK] café [SEP] naïve',
  '   [MASK]   ',
  '[MASKED] [MAS] [MASK',
  '<s> </s> <pad> <mask> <unk>',
  '[CLS]\u0000[SEP]',
  'é[MASK]é',
  '[PAD][PAD] padding literal',
  '\u200b[MASK]\u200b',
  '[MASK]🤣[MASK]',
  '[CLS][SEP][PAD][UNK][MASK][CLS]',
];

const edges = [
  '',
  ' ',
  '   ',
  '\t',
  '\n\n\n',
  '\u00a0\u3000\u2003',
  '\u200b',
  '\ufeff',
  '\u0000',
  '.',
  'a',
  'A',
  '#',
  '##',
  'I',
  "'",
  '...',
  '\ud83d',
  '\ude00',
  'lone \ud800 high and \udfff low surrogates',
  '\udc00\ud800 reversed pair',
  'pair 😀 then lone \ud83d end',
  'x\ud800',
];

/** Code point pools for fuzzing: ASCII, Latin, marks, Greek, Cyrillic, CJK, Hangul, emoji, controls, spaces. */
const POOLS: Array<[number, number]> = [
  [0x20, 0x7e], [0x20, 0x7e], [0x61, 0x7a], [0x61, 0x7a], [0xa0, 0x17f], [0x300, 0x36f],
  [0x370, 0x3ff], [0x400, 0x4ff], [0x590, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f],
  [0x1100, 0x11ff], [0x2000, 0x206f], [0x2e00, 0x2e7f], [0x3000, 0x30ff], [0x3400, 0x3410],
  [0x4e00, 0x4e40], [0xac00, 0xac40], [0xf900, 0xf910], [0xfe00, 0xfe6f], [0xff00, 0xffef],
  [0x0, 0x1f], [0x7f, 0x9f], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x20010],
  [0x2b800, 0x2b930], [0x10000, 0x1007f], [0x11000, 0x1107f], [0xe0000, 0xe007f], [0xd800, 0xdfff],
];

function fuzzText(next: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    if (next() < 0.15) {
      text += ' ';
      continue;
    }
    const [from, to] = POOLS[Math.floor(next() * POOLS.length)];
    text += String.fromCodePoint(from + Math.floor(next() * (to - from + 1)));
  }
  return text;
}

/** Words of prose recombined at random, with random casing and punctuation. */
function wordSalad(next: () => number, words: number): string {
  const vocabulary = prose.concat(queries).join(' ').split(/\s+/);
  const parts: string[] = [];
  for (let i = 0; i < words; i++) {
    let word = vocabulary[Math.floor(next() * vocabulary.length)];
    const r = next();
    if (r < 0.1) word = word.toUpperCase();
    else if (r < 0.2) word = word[0].toUpperCase() + word.slice(1);
    parts.push(word);
  }
  return parts.join(' ');
}

function longWords(): CorpusText[] {
  const texts: CorpusText[] = [];
  for (const length of [99, 100, 101, 102, 150, 1000]) {
    texts.push({ category: 'long word', text: 'a'.repeat(length) });
    texts.push({ category: 'long word', text: `before ${'ab'.repeat(Math.ceil(length / 2)).slice(0, length)} after` });
  }
  texts.push({ category: 'long word', text: 'é'.repeat(100) }, { category: 'long word', text: 'é'.repeat(101) });
  texts.push({ category: 'long word', text: 'e\u0301'.repeat(100) + ' accent stripping shortens the word to 100' });
  texts.push({ category: 'long word', text: '😀'.repeat(100) }, { category: 'long word', text: '😀'.repeat(101) });
  texts.push({ category: 'long word', text: 'x'.repeat(100) + '.' + 'y'.repeat(101) });
  texts.push({ category: 'long word', text: 'unbelievable'.repeat(8) + 'abcd' }); // 100 characters
  texts.push({ category: 'long word', text: 'unbelievable'.repeat(8) + 'abcde' }); // 101 characters
  texts.push({ category: 'long word', text: 'Ab'.repeat(50) + ' ' + 'İ'.repeat(100) });
  return texts;
}

function longText(): CorpusText {
  const paragraphs: string[] = [];
  const next = random(5000);
  let count = 0;
  while (count < 5200) {
    const paragraph = wordSalad(next, 120) + '. ' + prose[Math.floor(next() * prose.length)];
    count += paragraph.split(/\s+/).length;
    paragraphs.push(paragraph);
  }
  return { category: 'text over 5,000 words', text: paragraphs.join('\n\n') };
}

/** Every text of the corpus (over 500). */
export function corpus(): CorpusText[] {
  const texts: CorpusText[] = [];
  const add = (category: string, list: string[]): void => {
    for (const text of list) texts.push({ category, text });
  };
  add('prose', prose);
  add('query', queries);
  add('accents and combining marks', accents);
  add('ß and Turkish i', germanTurkish);
  add('Greek and Cyrillic', greekCyrillic);
  add('CJK, Hangul, kana', cjk);
  add('emoji and ZWJ', emoji);
  add('control characters and spaces', controlAndSpaces);
  add('dashes, quotes, punctuation', punctuation);
  add('URLs, e-mail, code', technical);
  add('numbers', numbers);
  add('literal special tokens', specials);
  add('empty and edge cases', edges);
  add('upper-cased prose', prose.slice(0, 10).map((t) => t.toUpperCase()));
  add('queries with special tokens', queries.slice(0, 10).map((q) => q.replace(/ /, ' [MASK] ')));
  texts.push(...longWords());
  texts.push(longText());
  const next = random(42);
  for (let i = 0; i < 60; i++) texts.push({ category: 'random word salad', text: wordSalad(next, 5 + Math.floor(next() * 60)) });
  for (let i = 0; i < 140; i++) texts.push({ category: 'random code points', text: fuzzText(next, 1 + Math.floor(next() * 80)) });
  return texts;
}
