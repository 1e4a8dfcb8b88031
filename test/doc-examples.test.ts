// The TypeScript examples of the README and docs, run as written against a generated model:
// their imports point at src/, the model location at a random-weight BERT with the real
// bert-base-uncased vocabulary, and every line `expression; // what it shows` records what it
// shows. A comment that is a literal (`[101, 1996]`, `{ threads: 2, ... }`) must equal the
// value; where the weights make the value (random here) the shape is checked instead.
// Examples that need a browser, a Worker, the network or data they do not define (browser.md,
// runtimes.md, hub.md, search.md's `docs`, weights.md's and pytorch-checkpoints.md's fetch)
// are not run here; front-door.test.ts checks that the names they import exist.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bertBaseUncasedVocabText } from '../tools/bert-vocab.js';
import { writeRandomBertFolder } from '../tools/generate-model.js';
import { defaultThreads } from '../src/tensor/backend-options.js';
import { tempDir } from './foundation/tmp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = tempDir('doc-examples');
const model = join(tmp, 'model');
/** The generated model's sizes: four layers, since docs/inspect.md captures layer 3. */
const SIZES = { layers: 4, hidden: 16, heads: 2, intermediate: 32, vocab: 30522 };

/** One line `expression; // comment` of an example, and the value the expression had. */
interface Shown {
  readonly expression: string;
  readonly comment: string;
  readonly value: unknown;
}

/** The fenced ```ts block of `doc` that contains `marker`. */
function example(doc: string, marker: string): string {
  const text = readFileSync(join(root, doc), 'utf8');
  const block = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]).find((b) => b.includes(marker));
  assert.ok(block, `${doc} has no ts example containing ${marker}`);
  return block!;
}

/** The example as a module: imports into src/, `locations` replaced by the model, shown lines recorded. */
function runnable(code: string, locations: readonly string[], prelude: string): string {
  const entry = (sub: string): string => pathToFileURL(join(root, sub === '' ? 'src/index.node.ts' : `src/entries/${sub}.ts`)).href;
  let out = code.replace(/from '(splade-ts)(?:\/([\w-]+))?'/g, (_, __, sub: string | undefined) => `from '${entry(sub ?? '')}'`);
  for (const location of locations) out = out.replaceAll(`'${location}'`, JSON.stringify(model));
  const lines = out.split('\n').map((line) => {
    const shown = /^(?!(?:const|let|await|import|export)\b)([^/;][^;]*);\s*\/\/\s*(.*)$/.exec(line);
    return shown ? `__shown.push({ expression: ${JSON.stringify(shown[1].trim())}, comment: ${JSON.stringify(shown[2])}, value: (${shown[1]}) });` : line;
  });
  return `const __shown = (globalThis as unknown as { __docShown: unknown[] }).__docShown;\n${prelude}\n${lines.join('\n')}\n`;
}

/** Runs one example and returns what its lines showed. */
async function run(name: string, code: string, locations: readonly string[] = [], prelude = ''): Promise<Shown[]> {
  const shown: Shown[] = [];
  (globalThis as unknown as { __docShown: Shown[] }).__docShown = shown;
  const file = join(tmp, `${name}.mts`);
  writeFileSync(file, runnable(code, locations, prelude));
  await import(pathToFileURL(file).href);
  return shown;
}

/** The comment read as a JavaScript literal, or undefined when it is prose. */
function literal(comment: string): { value: unknown } | undefined {
  const code = comment.split(/\s{2,}|\s\(|\s+and\b/)[0];
  try {
    return { value: new Function(`return (${code});`)() as unknown };
  } catch {
    return undefined;
  }
}

/** Plain arrays for typed arrays, so that literals compare with them. */
const plain = (value: unknown): unknown => (ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value);

function shownValue(shown: readonly Shown[], expression: string): Shown {
  const line = shown.find((s) => s.expression === expression);
  assert.ok(line, `the example shows no '${expression}' (shown: ${shown.map((s) => s.expression).join(', ')})`);
  return line!;
}

/** Every shown line whose comment is a literal equals it, but those `checks` look at themselves. */
function assertShown(shown: readonly Shown[], checks: Record<string, (value: unknown, comment: string) => void>): void {
  for (const { expression, comment, value } of shown) {
    if (checks[expression]) checks[expression](value, comment);
    else {
      const expected = literal(comment);
      if (expected) assert.equal(plain(value), expected.value, `${expression}: the example says ${comment}`);
    }
  }
  for (const expression of Object.keys(checks)) shownValue(shown, expression);
}

/** `[['manhattan', 2.32], ...]` made by random weights: pairs of a token and a weight, heaviest first. */
function assertBagOfWords(value: unknown, comment: string): void {
  const pairs = value as Array<[string, number]>;
  const expected = literal(comment)?.value as unknown[];
  assert.is(pairs.length, expected.length, `as many pairs as ${comment}`);
  pairs.forEach(([token, weight], k) => {
    assert.type(token, 'string');
    assert.ok(k === 0 || weight <= pairs[k - 1][1], 'heaviest first');
  });
}

/** The encoder's output lines of the README's and docs/model.md's example. */
const ENCODE_CHECKS: Record<string, (value: unknown, comment: string) => void> = {
  'doc.indices': (value) => {
    assert.instance(value, Uint32Array);
    const ids = value as Uint32Array;
    assert.ok(ids.length > 0 && ids.every((id, k) => k === 0 || id > ids[k - 1]), 'ascending');
  },
  'doc.values': (value) => assert.instance(value, Float32Array),
  'encoder.decode(doc, { topK: 3 })': assertBagOfWords,
  'dot(query, doc)': (value) => assert.ok(typeof value === 'number' && value > 0, String(value)),
};

/** `{ backend: 'cpu', kernels: 'wasm-simd', threads: 2, ... }` on a machine with another core count. */
function assertBackendInfo(value: unknown, comment: string): void {
  const threads = defaultThreads(availableParallelism());
  const expected = literal(comment)!.value as object;
  assert.equal(value, { ...expected, threads, name: threads > 1 ? `cpu-wasm-simd x${threads}` : 'cpu-wasm-simd' });
}

test.before(async () => {
  const { layers, hidden, heads, intermediate } = SIZES;
  await writeRandomBertFolder(model, { layers, hidden, heads, intermediate, maxPositions: 64, seed: 11 });
});

test("README's 'Use it from TypeScript' runs and shows what it says", async () => {
  const shown = await run('readme', example('README.md', 'encoder.decode(doc, { topK: 3 })'), ['prithivida/Splade_PP_en_v1']);
  assertShown(shown, { ...ENCODE_CHECKS, 'encoder.backendInfo': assertBackendInfo });
});

test("docs/model.md's encoder example runs and shows what it says", async () => {
  const shown = await run('model', example('docs/model.md', 'encoder.encodeQuery'), ['weights/prithivida/Splade_PP_en_v1']);
  assertShown(shown, ENCODE_CHECKS);
});

test("docs/speed.md's backend example runs and shows what it says", async () => {
  const shown = await run('speed', example('docs/speed.md', 'createBackend({ threads: 2 })'), ['path/to/Splade_PP_en_v1']);
  assertShown(shown, {});
  assert.equal(shownValue(shown, 'encoder.backendInfo').value, { backend: 'cpu', kernels: 'wasm-simd', threads: 2, name: 'cpu-wasm-simd x2', notes: [] });
});

/** A Tensor's shape, or a list of Tensors' shapes. */
const shapeOf = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(shapeOf) : (value as { shape: readonly number[] }).shape;

test("docs/inspect.md's example runs and shows bert-base's shapes in the generated model's sizes", async () => {
  const { layers, hidden, heads, intermediate, vocab } = SIZES;
  // Its console.log lines are kept, not printed: `console` is shadowed in the example's module.
  const prelude = 'const logged: unknown[][] = []; const console = { log: (...line: unknown[]) => logged.push(line) }; __shown.push({ expression: "logged", comment: "", value: logged });';
  const shown = await run('inspect', example('docs/inspect.md', 'explainText(encoder'), ['weights/prithivida/Splade_PP_en_v1'], prelude);
  assertShown(shown, {
    'out.hiddenStates': (value) => assert.equal(shapeOf(value), Array.from({ length: layers + 1 }, () => [1, 4, hidden])),
    'out.attentions': (value) => assert.equal(shapeOf(value), Array.from({ length: layers }, () => [1, heads, 4, 4])),
    "out.captured.get('bert.encoder.layer.3.intermediate')": (value) => assert.equal(shapeOf(value), [1, 4, intermediate]),
    "out.captured.get('cls.predictions')": (value) => assert.equal(shapeOf(value), [1, 4, vocab]),
    'model.capturableNames()': (value) => {
      const names = value as Array<{ name: string; shape: unknown[]; description: string }>;
      assert.equal(names[0].shape, ['batch', 'seq', hidden]);
      assert.ok(names.every((n) => typeof n.name === 'string' && typeof n.description === 'string'));
      assert.equal(names.find((n) => n.name === 'bert.encoder.layer.3.intermediate')?.shape, ['batch', 'seq', intermediate]);
    },
    logged: (value) => {
      const lines = value as unknown[][];
      assert.is(lines.length, 5);
      for (const line of lines) assert.match(line.join(' '), /^\S+ \d+\.\d\d (in the text|expansion) from \S+$/);
    },
  });
});

test("docs/model.md's forward example runs on an encoder's model and shows the shapes it names", async () => {
  const { hidden, heads, vocab } = SIZES;
  const encoderModule = pathToFileURL(join(root, 'src/index.node.ts')).href;
  const prelude = `import { SpladeEncoder as Encoder } from '${encoderModule}';\nconst encoder = await Encoder.fromPretrained(${JSON.stringify(model)});`;
  const shown = await run('model-forward', example('docs/model.md', "capture: ['bert.embeddings'"), [], prelude);
  assertShown(shown, {
    'out.lastHiddenState': (value) => assert.equal(shapeOf(value), [1, 4, hidden]),
    "out.captured.get('bert.embeddings')": (value) => assert.equal(shapeOf(value), [1, 4, hidden]),
    "out.captured.get('bert.encoder.layer.0.attention.self.attention_probs')": (value) => assert.equal(shapeOf(value), [1, heads, 4, 4]),
    'out.splade': (value) => assert.equal(shapeOf(value), [1, vocab]),
  });
});

test("docs/tokenizer.md's BertTokenizer example runs and shows what it says (the real bert-base-uncased vocabulary)", async () => {
  const prelude = `const vocabTxt = ${JSON.stringify(bertBaseUncasedVocabText())};`;
  const shown = await run('tokenizer', example('docs/tokenizer.md', 'BertTokenizer.fromVocab(vocabTxt)'), [], prelude);
  assertShown(shown, {
    'e.offsets': (value) => assert.equal((value as Array<[number, number]>).slice(0, 3), [[0, 0], [0, 3], [4, 11]]),
    'e.attentionMask': (value) => assert.ok((value as number[]).every((m) => m === 1)),
    'e.tokenTypeIds': (value) => assert.ok((value as number[]).every((t) => t === 0)),
  });
});

test("docs/tokenizer.md's UnigramTokenizer example shows what the tests' 3,002-piece vocabulary gives", async () => {
  const json = readFileSync(join(root, 'test/fixtures/unigram/xlmr-nmt-nfkc.tokenizer.json'), 'utf8');
  const shown = await run('unigram', example('docs/tokenizer.md', 'UnigramTokenizer.fromTokenizerJson'), [], `const tokenizerJsonText = ${JSON.stringify(json)};`);
  assertShown(shown, {});
  assert.equal(shown.map((s) => s.expression), ['e.tokens', 'e.offsets', 'tokenizer.decode(e.ids, { skipSpecialTokens: true })']);
});

test.run();
