// The notices about texts that are not encoded as given (empty, truncated), counted with the
// real tokenizer at the exact boundary, and the --max-length range against the model.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/cli/command.js';
import { effectiveMaxLength, textNotices } from '../../src/cli/text-limits.js';
import { BertTokenizer, ByteLevelBpeTokenizer } from '../../src/tokenizer/index.js';
import { robertaTokenizerJson } from '../../tools/roberta-tokenizer-files.js';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32/', import.meta.url));
const tokenizer = BertTokenizer.fromVocab(readFileSync(join(f32, 'vocab.txt'), 'utf8'));
const text = 'the atomic bomb and the world war';
const length = tokenizer.encode(text).ids.length; // [CLS] and [SEP] included

test('a text of exactly maxLength tokens is not truncated; one token less room is', () => {
  assert.ok(length > 4, `the sample text has ${length} tokens`);
  assert.equal(textNotices(tokenizer, [text], length), []);
  assert.equal(textNotices(tokenizer, [text], length - 1), [`splade: the text was truncated to ${length - 1} tokens ([CLS] and [SEP] included)`]);
});

test('empty and whitespace-only texts have no tokens; counts are of all the texts, said once', () => {
  const texts = ['', ' \t\n ', text, text, 'war', '\u200b'];
  assert.equal(textNotices(tokenizer, texts, length - 1), [
    'splade: 3 of 6 texts have no tokens (empty or whitespace only)',
    `splade: 2 of 6 texts were truncated to ${length - 1} tokens ([CLS] and [SEP] included)`,
  ]);
  assert.equal(textNotices(tokenizer, ['', 'war'], 8), ['splade: 1 of 2 texts has no tokens (empty or whitespace only)']);
  assert.equal(textNotices(tokenizer, ['  '], 8), ['splade: the text has no tokens (it is empty or whitespace only)']);
  assert.equal(textNotices(tokenizer, [text, 'war'], 64), []);
});

test("a RoBERTa tokenizer's notices name <s> and </s>", () => {
  const roberta = ByteLevelBpeTokenizer.fromTokenizerJson(robertaTokenizerJson());
  const n = roberta.encode(text).ids.length;
  assert.equal(textNotices(roberta, [text, ''], n - 1), [
    'splade: 1 of 2 texts has no tokens (empty or whitespace only)',
    `splade: 1 of 2 texts was truncated to ${n - 1} tokens (<s> and </s> included)`,
  ]);
});

test('--max-length: the default is the smaller of the tokenizer and the position table; beyond the table is a usage error', () => {
  const limits = { tokenizer: { ...tokenizer, encode: tokenizer.encode.bind(tokenizer), modelMaxLength: 512 }, maxPositions: 32 };
  assert.is(effectiveMaxLength(undefined, limits), 32);
  assert.is(effectiveMaxLength(undefined, { ...limits, maxPositions: 1024 }), 512);
  assert.is(effectiveMaxLength(32, limits), 32);
  assert.throws(() => effectiveMaxLength(33, limits), (error: unknown) =>
    error instanceof UsageError && error.message === "--max-length must be a whole number from 2 to 32 (the model's max_position_embeddings), got '33'");
});

test("a RoBERTa --query-model's limit is its longest sequence, not its position table (34 rows hold 32 tokens)", async () => {
  const { modelTextLimits } = await import('../../src/cli/model-text-limits.js');
  const limits = await modelTextLimits(fileURLToPath(new URL('../parity/roberta-fixtures/roberta-f32/', import.meta.url)));
  assert.is(limits?.maxPositions, 32);
  assert.throws(() => effectiveMaxLength(33, limits!), (e: unknown) => e instanceof UsageError && /from 2 to 32/.test((e as Error).message));
});

test.run();
