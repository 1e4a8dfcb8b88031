// Tokenizer speed: tokens per second (and MB/s of UTF-8 input) of splade-ts, of
// @huggingface/tokenizers (pure JS) and of Hugging Face's Rust tokenizers (npm `tokenizers`,
// native), on the same texts in the same run, and the time each takes to load the tokenizer.json.
// WordPiece: bert-base-uncased's real vocabulary; byte-level BPE: GPT-2's real vocabulary and
// merges in RoBERTa's layout (tools/roberta-tokenizer-files.ts); SentencePiece Unigram: the
// XLM-RoBERTa-layout model trained here (test/fixtures/unigram, a small vocabulary: a real
// XLM-R's 250,002 pieces load slower, encode about as fast). splade-ts's ids are checked equal
// to Rust's first.
//   npm run bench:tokenizer [-- --rounds N --texts N]
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { BertTokenizer, ByteLevelBpeTokenizer, UnigramTokenizer, type Tokenizer } from '../src/tokenizer/index.js';
import { bertTokenizerJson } from '../tools/bert-tokenizer-json.js';
import { bertBaseUncasedVocabText } from '../tools/bert-vocab.js';
import { robertaTokenizerJson } from '../tools/roberta-tokenizer-files.js';
import { xlmrTokenizerJson } from '../tools/xlmr-tokenizer-files.js';
import { corpus } from '../test/tokenizer/corpus.js';
import { bpeCorpus } from '../test/tokenizer/bpe-corpus.js';
import { unigramCorpus } from '../test/tokenizer/unigram-corpus.js';
import { mulberry32 as random } from '../tools/random.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, texts: { type: 'string', default: '2000' } } });
const rounds = Number(values.rounds);
const textCount = Number(values.texts);

/**
 * Passages of words drawn Zipf-like (as in real text) from bert-base-uncased's 20,000-odd
 * whole-word tokens, some capitalized, some glued into compounds WordPiece must split, some
 * followed by punctuation, a few accented: a workload a word cache cannot trivially serve.
 * A quarter of the texts are short queries. With `nonAscii`, about one word in 25 is another
 * script's (accented Latin, Greek, Cyrillic, Arabic, Devanagari, CJK, Hangul, an emoji).
 */
function benchTexts(count: number, nonAscii = false): string[] {
  const next = random(1234);
  const words = bertBaseUncasedVocabText()
    .split('\n')
    .filter((t) => /^[a-z]{2,}$/.test(t));
  const zipf = (): string => words[Math.min(words.length - 1, Math.floor(Math.exp(next() * Math.log(words.length))) - 1)];
  const punctuation = ['.', ',', ';', ':', '!', '?', ')', '%'];
  const foreign = ['café', 'naïve', 'Zürich', 'Straße', 'λόγος', 'данные', 'مرحبا', 'नमस्ते', '東京', '自然语言', '한국어', 'カタカナ', '😀', '👍🏽', '—', '“quoted”'];
  const word = (): string => {
    if (nonAscii && next() < 0.04) return foreign[Math.floor(next() * foreign.length)];
    let w = zipf();
    const r = next();
    if (r < 0.08) w += zipf(); // a compound to split
    else if (r < 0.1) w = w.replace(/e/, 'é');
    if (next() < 0.12) w = w[0].toUpperCase() + w.slice(1);
    if (next() < 0.1) w += punctuation[Math.floor(next() * punctuation.length)];
    return w;
  };
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = i % 4 === 3 ? 2 + Math.floor(next() * 6) : 30 + Math.floor(next() * 120);
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(word());
    texts.push(parts.join(' '));
  }
  return texts;
}

interface RustEncoding { getIds(): number[] }
interface RustTokenizer {
  encode(text: string): Promise<RustEncoding>;
  encodeBatch(texts: string[]): Promise<RustEncoding[]>;
}
interface JsTokenizer { encode(text: string): { ids: number[] } }

interface Tokenizers {
  ours: Tokenizer;
  rust: RustTokenizer;
  js: JsTokenizer;
  /** Median ms to load the tokenizer.json text: splade-ts, @huggingface/tokenizers (JSON.parse included), Rust. */
  loadMs: { ours: number; js: number; rust: number };
}

async function runWorkload(name: string, texts: string[], { ours, rust, js, loadMs }: Tokenizers): Promise<void> {
  // splade-ts must give Rust's ids, or the comparison means nothing; @huggingface/tokenizers
  // has known differences (e.g. ideographs above U+FFFF), which are counted.
  let tokens = 0;
  let jsDiffers = 0;
  for (const text of texts) {
    const a = ours.encode(text).ids;
    const b = (await rust.encode(text)).getIds();
    if (a.join() !== b.join()) throw new Error(`splade-ts and Rust differ on ${JSON.stringify(text.slice(0, 80))}`);
    if (js.encode(text).ids.join() !== b.join()) jsDiffers++;
    tokens += a.length;
  }
  const chars = texts.reduce((n, t) => n + t.length, 0);
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
  const contenders: Array<[string, () => Promise<void> | void]> = [
    ['splade-ts', () => { for (const text of texts) ours.encode(text); }],
    ['@huggingface/tokenizers', () => { for (const text of texts) js.encode(text); }],
    ['Rust tokenizers (npm), encode one by one', async () => { for (const text of texts) await rust.encode(text); }],
    ['Rust tokenizers (npm), encodeBatch', async () => { await rust.encodeBatch(texts); }],
  ];
  const results = new Map<string, number>();
  for (const [, fn] of contenders) await fn(); // warm-up
  // Rounds interleave the contenders, so load from other processes hits all of them alike.
  const times = new Map<string, number[]>(contenders.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [contender, fn] of contenders) {
      const start = performance.now();
      await fn();
      times.get(contender)!.push(performance.now() - start);
    }
  }
  for (const [contender, list] of times) {
    list.sort((x, y) => x - y);
    results.set(contender, list[Math.floor(list.length / 2)]);
  }
  console.log(`\n${name}: ${texts.length} texts, ${chars.toLocaleString('en-US')} characters (${(bytes / 1e6).toFixed(2)} MB of UTF-8), ${tokens.toLocaleString('en-US')} tokens; median of ${rounds} rounds`);
  console.log(`(@huggingface/tokenizers gives other ids than Rust on ${jsDiffers} of the ${texts.length} texts)`);
  console.log('| tokenizer | ms per round | tokens/s | MB/s | vs @huggingface/tokenizers | load tokenizer.json |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const jsTime = results.get('@huggingface/tokenizers')!;
  const load = (contender: string): number => (contender === 'splade-ts' ? loadMs.ours : contender === '@huggingface/tokenizers' ? loadMs.js : loadMs.rust);
  for (const [contender, ms] of results) {
    const rate = `${Math.round((tokens / ms) * 1000).toLocaleString('en-US')} | ${(bytes / 1e6 / (ms / 1000)).toFixed(1)}`;
    console.log(`| ${contender} | ${ms.toFixed(1)} | ${rate} | ${(jsTime / ms).toFixed(2)}x | ${load(contender).toFixed(0)} ms |`);
  }
}

/** The median of `times` runs of `fn` (ms) and its last result. */
function timed<T>(times: number, fn: () => T): { ms: number; value: T } {
  const list: number[] = [];
  let value!: T;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    value = fn();
    list.push(performance.now() - start);
  }
  list.sort((a, b) => a - b);
  return { ms: list[Math.floor(list.length / 2)], value };
}

/** The three tokenizers of one tokenizer.json, each loaded (from the JSON text) 3 times. */
async function loadAll(json: string, ours: (json: string) => Tokenizer, jsConfig: Record<string, unknown>): Promise<Tokenizers> {
  const require = createRequire(import.meta.url);
  const { Tokenizer: RustClass } = require('tokenizers') as { Tokenizer: { fromString(s: string): RustTokenizer } };
  const { Tokenizer: JsTokenizerClass } = (await import('@huggingface/tokenizers')) as unknown as { Tokenizer: new (json: unknown, config: unknown) => JsTokenizer };
  const a = timed(3, () => ours(json));
  const b = timed(3, () => new JsTokenizerClass(JSON.parse(json), jsConfig));
  const c = timed(3, () => RustClass.fromString(json));
  return { ours: a.value, js: b.value, rust: c.value, loadMs: { ours: a.ms, js: b.ms, rust: c.ms } };
}

async function main(): Promise<void> {
  console.log(`${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
  const wordpiece = await loadAll(bertTokenizerJson(), (json) => BertTokenizer.fromTokenizerJson(json), { do_lower_case: true });
  console.log(`\nWordPiece, bert-base-uncased (tokenizer.json ${(bertTokenizerJson().length / 1e6).toFixed(2)} MB)`);
  await runWorkload('Passages and queries (English, Zipf-distributed words)', benchTexts(textCount), wordpiece);
  await runWorkload('The tokenizer test corpus (many scripts, emoji, controls, URLs, code)', corpus().map((t) => t.text), wordpiece);
  const bpeJson = robertaTokenizerJson();
  const bpe = await loadAll(bpeJson, (json) => ByteLevelBpeTokenizer.fromTokenizerJson(json), {});
  console.log(`\nByte-level BPE, GPT-2's vocabulary and merges in RoBERTa's layout (tokenizer.json ${(bpeJson.length / 1e6).toFixed(2)} MB)`);
  await runWorkload('BPE: passages and queries (English, Zipf-distributed words, 1 word in 25 non-ASCII)', benchTexts(textCount, true), bpe);
  await runWorkload('BPE: the byte-level BPE test corpus (many scripts, emoji, controls, lone surrogates, 5,000-character words)', bpeCorpus().map((t) => t.text), bpe);
  const unigramJson = xlmrTokenizerJson();
  const unigram = await loadAll(unigramJson, (json) => UnigramTokenizer.fromTokenizerJson(json), {});
  console.log(`\nSentencePiece Unigram in XLM-RoBERTa's layout, a model trained here (nmt_nfkc, tokenizer.json ${(unigramJson.length / 1e6).toFixed(2)} MB)`);
  await runWorkload('Unigram: passages and queries (English, Zipf-distributed words, 1 word in 25 non-ASCII)', benchTexts(textCount, true), unigram);
  await runWorkload('Unigram: its test corpus (normalization corners, many scripts, fuzz)', unigramCorpus().map((t) => t.text), unigram);
}

await main();
