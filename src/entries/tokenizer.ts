// splade-ts/tokenizer: BERT WordPiece, RoBERTa byte-level BPE and XLM-RoBERTa SentencePiece
// Unigram, id for id as Hugging Face's tokenizers; loadTokenizer picks the one a model
// folder's files describe.
export {
  BertTokenizer,
  ByteLevelBpeTokenizer,
  hasTokenizerFiles,
  loadTokenizer,
  TOKENIZER_FILE_SETS,
  TOKENIZER_FILES_TEXT,
  TokenizerError,
  UnigramTokenizer,
} from '../tokenizer/index.js';
export type {
  BatchEncoding,
  ByteLevelBpeOptions,
  DecodeOptions,
  EncodeOptions,
  Encoding,
  Tokenizer,
  TokenizerFiles,
  TruncationSide,
  VocabOptions,
} from '../tokenizer/index.js';
