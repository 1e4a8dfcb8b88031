// The browser-safe half: repo ids, the model info answer, which files a model needs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  chooseModelFiles,
  HubResponseError,
  isRepoId,
  ModelFilesMissingError,
  parseModelInfo,
  RepoIdError,
  parseRepoId,
  shardsFromIndex,
  type RepoListing,
} from '../../src/io/hub-repo.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const listing = (...paths: string[]): RepoListing => ({ commit: COMMIT, files: paths.map((path) => ({ path, size: 1 })) });
const base = ['config.json', 'vocab.txt', 'README.md', 'model.onnx', 'onnx/model.onnx', 'tf_model.h5', 'flax_model.msgpack'];

test('repo ids are owner/name with the hub\'s characters', () => {
  for (const ok of ['prithivida/Splade_PP_en_v1', 'naver/splade-cocondenser-ensembledistil', 'a/b', 'org.x/m-1.5']) {
    assert.ok(isRepoId(ok), ok);
  }
  for (const bad of ['bert-base-uncased', 'a/b/c', '/a', 'a/', '../x', 'a/..', 'a/b--c', 'a/-b', 'a b/c', './weights', 'C:\\m\\x']) {
    assert.not.ok(isRepoId(bad), bad);
  }
  assert.equal(parseRepoId('acme/m'), { owner: 'acme', name: 'm' });
  assert.throws(() => parseRepoId('nope'), (e: unknown) => e instanceof RepoIdError && /owner\/name/.test((e as Error).message));
});

test('model info: commit, files, LFS sha256 and content size', () => {
  const sha = 'f'.repeat(64);
  const parsed = parseModelInfo({
    id: 'a/b',
    sha: COMMIT,
    siblings: [
      { rfilename: 'config.json', size: 570, blobId: 'a'.repeat(40) },
      { rfilename: 'model.safetensors', size: 438_000_000, blobId: 'b'.repeat(40), lfs: { sha256: sha, size: 438_000_000, pointerSize: 135 } },
      { rfilename: 'nosize.txt' },
    ],
  });
  assert.is(parsed.commit, COMMIT);
  assert.equal(parsed.files, [
    { path: 'config.json', size: 570, blobId: 'a'.repeat(40) },
    { path: 'model.safetensors', size: 438_000_000, blobId: 'b'.repeat(40), sha256: sha },
    { path: 'nosize.txt' },
  ]);
});

test('model info that is not the expected shape is a HubResponseError', () => {
  for (const bad of [null, [], { sha: COMMIT }, { sha: 'main', siblings: [] }, { sha: COMMIT, siblings: [{}] },
    { sha: COMMIT, siblings: [{ rfilename: 'x', lfs: { sha256: 'short' } }] }]) {
    assert.throws(() => parseModelInfo(bad), (e: unknown) => e instanceof HubResponseError, JSON.stringify(bad));
  }
});

test('weights preference: safetensors, sharded safetensors, bin, sharded bins', () => {
  const all = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin', 'pytorch_model.bin.index.json'];
  const expected = ['safetensors', 'safetensors-sharded', 'pytorch', 'pytorch-sharded'];
  for (let i = 0; i < all.length; i++) {
    const plan = chooseModelFiles(listing(...base, ...all.slice(i)));
    assert.is(plan.format, expected[i]);
    assert.is(plan.weights.path, all[i]);
  }
});

test('support files: config.json and the tokenizer files present, nothing else', () => {
  const plan = chooseModelFiles(listing(...base, 'tokenizer.json', 'special_tokens_map.json', 'tokenizer_config.json', 'pytorch_model.bin', 'merges.txt'));
  assert.equal(plan.support.map((f) => f.path), ['config.json', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json']);
});

test('a RoBERTa repo without tokenizer.json: vocab.json and merges.txt are fetched', () => {
  const plan = chooseModelFiles(listing('config.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'model.safetensors'));
  assert.equal(plan.support.map((f) => f.path), ['config.json', 'tokenizer_config.json', 'vocab.json', 'merges.txt']);
  assert.throws(() => chooseModelFiles(listing('config.json', 'vocab.json', 'model.safetensors'), 'a/b'), /no tokenizer files/);
});

test('an XLM-RoBERTa repo: tokenizer.json is fetched, sentencepiece.bpe.model not; with only the latter, refused saying tokenizer.json is needed', () => {
  const plan = chooseModelFiles(listing('config.json', 'sentencepiece.bpe.model', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'));
  assert.equal(plan.support.map((f) => f.path), ['config.json', 'tokenizer.json', 'tokenizer_config.json']);
  assert.throws(() => chooseModelFiles(listing('config.json', 'sentencepiece.bpe.model', 'model.safetensors'), 'a/xlmr'),
    /a\/xlmr has no tokenizer files .* \(it has sentencepiece\.bpe\.model, but splade-ts reads SentencePiece tokenizers from tokenizer\.json only\)/);
});

test('a repo without config.json, a tokenizer or PyTorch weights is refused, naming what lacks', () => {
  assert.throws(() => chooseModelFiles(listing('vocab.txt', 'model.safetensors'), 'a/b'), /config\.json/);
  assert.throws(() => chooseModelFiles(listing('config.json', 'model.safetensors'), 'a/b'), /no tokenizer files \(tokenizer\.json, vocab\.txt, or vocab\.json with merges\.txt\)/);
  assert.throws(
    () => chooseModelFiles(listing('config.json', 'vocab.txt', 'model.onnx', 'tf_model.h5'), 'a/b'),
    (e: unknown) => e instanceof ModelFilesMissingError && /model\.onnx, tf_model\.h5/.test((e as Error).message),
  );
});

test('shards from an index: each once, all present, plain names only', () => {
  const files = listing('config.json', 's1.bin', 's2.bin', 'extra.bin');
  const index = { weight_map: { a: 's1.bin', b: 's2.bin', c: 's1.bin' } };
  assert.equal(shardsFromIndex(index, files, 'idx').map((f) => f.path), ['s1.bin', 's2.bin']);
  assert.throws(() => shardsFromIndex({ weight_map: { a: 's3.bin' } }, files, 'idx'), (e: unknown) => e instanceof ModelFilesMissingError);
  for (const bad of ['../s1.bin', 'sub/s1.bin', '/etc/passwd', '..', 'a\\b', 7]) {
    assert.throws(() => shardsFromIndex({ weight_map: { a: bad } }, files, 'idx'), (e: unknown) => e instanceof HubResponseError, String(bad));
  }
  assert.throws(() => shardsFromIndex({}, files, 'idx'), (e: unknown) => e instanceof HubResponseError);
  assert.throws(() => shardsFromIndex({ weight_map: {} }, files, 'idx'), (e: unknown) => e instanceof HubResponseError);
});

test.run();
