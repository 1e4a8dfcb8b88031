// Tokenizer speed: tokens per second of splade-ts, of @huggingface/tokenizers (pure JS) and of
// Hugging Face's Rust tokenizers (npm `tokenizers`, native), on the same texts in the same run.
// All three use bert-base-uncased's real vocabulary; their ids are checked equal first.
//   npm run bench:tokenizer [-- --rounds N --texts N]
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { BertTokenizer } from '../src/tokenizer/index.js';
import { bertTokenizerJson } from '../tools/bert-tokenizer-json.js';
import { bertBaseUncasedVocabText } from '../tools/bert-vocab.js';
import { corpus } from '../test/tokenizer/corpus.js';
import { mulberry32 as random } from '../tools/random.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, texts: { type: 'string', default: '2000' } } });
const rounds = Number(values.rounds);
const textCount = Number(values.texts);

/**
 * Passages of words drawn Zipf-like (as in real text) from bert-base-uncased's 20,000-odd
 * whole-word tokens, some capitalized, some glued into compounds WordPiece must split, some
 * followed by punctuation, a few accented: a workload a word cache cannot trivially serve.
 * A quarter of the texts are short queries.
 */
function benchTexts(count: number): string[] {
  const next = random(1234);
  const words = bertBaseUncasedVocabText()
    .split('\n')
    .filter((t) => /^[a-z]{2,}$/.test(t));
  const zipf = (): string => words[Math.min(words.length - 1, Math.floor(Math.exp(next() * Math.log(words.length))) - 1)];
  const punctuation = ['.', ',', ';', ':', '!', '?', ')', '%'];
  const word = (): string => {
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
  ours: BertTokenizer;
  rust: RustTokenizer;
  js: JsTokenizer;
}

async function runWorkload(name: string, texts: string[], { ours, rust, js }: Tokenizers): Promise<void> {
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
  console.log(`\n${name}: ${texts.length} texts, ${chars.toLocaleString('en-US')} characters, ${tokens.toLocaleString('en-US')} tokens; median of ${rounds} rounds`);
  console.log(`(@huggingface/tokenizers gives other ids than Rust on ${jsDiffers} of the ${texts.length} texts)`);
  console.log('| tokenizer | ms per round | tokens/s | vs @huggingface/tokenizers |');
  console.log('|---|---:|---:|---:|');
  const jsTime = results.get('@huggingface/tokenizers')!;
  for (const [contender, ms] of results) {
    console.log(`| ${contender} | ${ms.toFixed(1)} | ${Math.round((tokens / ms) * 1000).toLocaleString('en-US')} | ${(jsTime / ms).toFixed(2)}x |`);
  }
}

async function main(): Promise<void> {
  const json = bertTokenizerJson();
  const ours = BertTokenizer.fromVocab(bertBaseUncasedVocabText());
  const require = createRequire(import.meta.url);
  const rust = (require('tokenizers') as { Tokenizer: { fromString(s: string): RustTokenizer } }).Tokenizer.fromString(json);
  const { Tokenizer: JsTokenizerClass } = (await import('@huggingface/tokenizers')) as unknown as { Tokenizer: new (json: unknown, config: unknown) => JsTokenizer };
  const js = new JsTokenizerClass(JSON.parse(json), { do_lower_case: true });
  console.log(`${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
  await runWorkload('Passages and queries (English, Zipf-distributed words)', benchTexts(textCount), { ours, rust, js });
  await runWorkload('The tokenizer test corpus (many scripts, emoji, controls, URLs, code)', corpus().map((t) => t.text), { ours, rust, js });
}

await main();
