// splade-ts/tokenizer: BERT WordPiece and RoBERTa byte-level BPE, id for id as Hugging Face's
// tokenizers; loadTokenizer picks the one a model folder's files describe.
export {
  BertTokenizer,
  ByteLevelBpeTokenizer,
  hasTokenizerFiles,
  loadTokenizer,
  TOKENIZER_FILE_SETS,
  TOKENIZER_FILES_TEXT,
  TokenizerError,
} from '../tokenizer/index.js';
export type {
  BatchEncoding,
  ByteLevelBpeOptions,
  DecodeOptions,
  EncodeOptions,
  Encoding,
  Tokenizer,
  TokenizerFiles,
  VocabOptions,
} from '../tokenizer/index.js';
