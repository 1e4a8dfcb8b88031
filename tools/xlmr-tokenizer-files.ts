// An XLM-RoBERTa-layout SentencePiece Unigram tokenizer: the committed fixture
// test/fixtures/unigram/xlmr-nmt-nfkc.tokenizer.json (a 3,002-piece Unigram model trained with
// nmt_nfkc on a multilingual corpus by test/parity/unigram_fixtures.py, converted as
// transformers' XLMRobertaConverter converts sentencepiece.bpe.model), for the tests and for
// the model generator's XLMRobertaForMaskedLM folders.
//
// Ids: <s>=0, <pad>=1, </s>=2, <unk>=3, the pieces (sentencepiece's ids + 1, fairseq's
// offset), then <mask>=3,001: vocab_size 3,002.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURE = new URL('../test/fixtures/unigram/xlmr-nmt-nfkc.tokenizer.json', import.meta.url);

/** The text of the XLM-RoBERTa-layout tokenizer.json. */
export function xlmrTokenizerJson(): string {
  return readFileSync(FIXTURE, 'utf8');
}

/** Its pieces in id order (<s>, <pad>, </s>, <unk>, …, <mask>). */
export function xlmrVocab(): string[] {
  const json = JSON.parse(xlmrTokenizerJson()) as { model: { vocab: Array<[string, number]> } };
  return json.model.vocab.map(([piece]) => piece);
}

/** tokenizer_config.json as transformers saves XLMRobertaTokenizerFast's. */
export function xlmrTokenizerConfig(modelMaxLength: number): Record<string, unknown> {
  const token = (content: string, lstrip = false): Record<string, unknown> => ({ content, lstrip, normalized: false, rstrip: false, single_word: false, special: true });
  const mask = xlmrVocab().length - 1;
  return {
    added_tokens_decoder: { 0: token('<s>'), 1: token('<pad>'), 2: token('</s>'), 3: token('<unk>'), [mask]: token('<mask>', true) },
    bos_token: '<s>', clean_up_tokenization_spaces: true, cls_token: '<s>', eos_token: '</s>', extra_special_tokens: {},
    mask_token: '<mask>', model_max_length: modelMaxLength, pad_token: '<pad>', sep_token: '</s>',
    tokenizer_class: 'XLMRobertaTokenizer', unk_token: '<unk>',
  };
}

/** Writes tokenizer.json and tokenizer_config.json (no sentencepiece.bpe.model: splade-ts reads tokenizer.json). */
export function writeXlmrTokenizerFiles(dir: string, modelMaxLength: number): void {
  writeFileSync(join(dir, 'tokenizer.json'), xlmrTokenizerJson());
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(xlmrTokenizerConfig(modelMaxLength), null, 2) + '\n');
}
