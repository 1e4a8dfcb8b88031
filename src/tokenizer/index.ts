// The BERT WordPiece tokenizer: id for id what Hugging Face's BertTokenizerFast gives.
export { BertTokenizer } from './bert-tokenizer.js';
export type { BatchEncoding, EncodeOptions, Encoding, TokenizerFiles } from './bert-tokenizer.js';
export { TokenizerError } from './errors.js';
export type { VocabOptions } from './settings.js';
