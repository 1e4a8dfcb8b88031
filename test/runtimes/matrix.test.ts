// The runtime matrix (see matrix.ts): in each runtime, default options encode the PyTorch
// fixture within the project's tolerances, with the kernels the README's runtime table says
// (WebAssembly SIMD with threads where the runtime has them; TypeScript with an explaining
// note in workerd, SIMD again with the shipped kernels.wasm); and every tokenizer (WordPiece,
// byte-level BPE, SentencePiece Unigram), loaded there from tokenizer.json bytes through the
// shipped splade-ts/tokenizer entry, gives every text of tokenizer-cases.ts (~1,000: accents,
// CJK, emoji sequences, scripts, controls, case mapping, lone surrogates, a sweep of Unicode)
// the ids and offsets of Hugging Face's Rust tokenizers, asked in this process. A runtime
// whose binary is missing here is skipped with the reason printed; .ci/run installs them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildLibrary, MATRIX, type BuiltLibrary } from './matrix.js';
import { TOKENIZER_KINDS, writeTokenizerCases, type TokenizerCases, type TokenizerKind } from './tokenizer-cases.js';

let lib: BuiltLibrary | undefined;
let tokenizers: TokenizerCases | undefined;

test.before(async () => {
  [lib, tokenizers] = await Promise.all([buildLibrary(), writeTokenizerCases()]);
});

test.after(() => {
  lib?.dispose();
  tokenizers?.dispose();
});

const TOKENIZER_NAMES: Record<TokenizerKind, string> = {
  wordpiece: 'WordPiece (bert-base-uncased)',
  bpe: 'byte-level BPE (GPT-2/RoBERTa)',
  unigram: 'SentencePiece Unigram (XLM-RoBERTa layout)',
};

for (const runtime of MATRIX) {
  if (runtime.skip) {
    console.log(`runtimes/matrix: skipping ${runtime.name}: ${runtime.skip}`);
    test.skip(runtime.name);
    continue;
  }
  test(`${runtime.name}: encodes the PyTorch fixture; every tokenizer agrees with Rust's`, async () => {
    const result = await runtime.run(lib!, tokenizers);
    assert.equal(result.failures, [], `${runtime.name}: ${result.failures.join('; ')}`);
    assert.match(result.backendInfo, runtime.backend, `${runtime.name} ran ${result.backendInfo}`);
    if (runtime.notes === 'none') assert.equal(result.backendNotes, []);
    else {
      assert.is(result.backendNotes.length, 1);
      assert.match(result.backendNotes[0], /^TypeScript kernels: .*refuses to compile WebAssembly.*splade-ts\/kernels\.wasm.*'wasm-unsafe-eval'/);
    }
    assert.ok(result.tokenizers, `${runtime.name}: no tokenizer result`);
    for (const kind of TOKENIZER_KINDS) {
      const check = result.tokenizers[kind];
      const where = `${runtime.name}, ${TOKENIZER_NAMES[kind]}`;
      assert.equal(check.failures, [], `${where}: ${check.failures.join('; ')}`);
      assert.is(check.texts, tokenizers!.texts, `${where}: compared ${check.texts} texts`);
      assert.is(check.mismatchCount, 0, `${where}: ${check.mismatchCount} of ${check.texts} texts differ from Rust; the first:\n${JSON.stringify(check.mismatches, null, 1)}`);
    }
  });
}

test.run();
