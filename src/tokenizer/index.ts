// The tokenizers: BERT's WordPiece, RoBERTa's byte-level BPE and XLM-RoBERTa's SentencePiece
// Unigram, id for id what Hugging Face's tokenizers give; loadTokenizer picks the one a model
// folder's files describe.
export { BertTokenizer } from './bert-tokenizer.js';
export { ByteLevelBpeTokenizer } from './byte-level-bpe.js';
export { UnigramTokenizer } from './unigram-tokenizer.js';
export { hasTokenizerFiles, loadTokenizer, SENTENCEPIECE_MODEL_FILES, TOKENIZER_FILE_SETS, TOKENIZER_FILES_TEXT } from './load-tokenizer.js';
export type { ByteLevelBpeOptions } from './bpe-config.js';
export type { BatchEncoding, DecodeOptions, EncodeOptions, Encoding, Tokenizer, TokenizerFiles } from './tokenizer.js';
export { TokenizerError } from './errors.js';
export type { VocabOptions } from './settings.js';
export { TRUNCATION_SIDES, type TruncationSide } from './truncation.js';
