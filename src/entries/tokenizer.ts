// splade-ts/tokenizer: BERT WordPiece, id for id as Hugging Face's tokenizers.
export { BertTokenizer, TokenizerError } from '../tokenizer/index.js';
export type { BatchEncoding, EncodeOptions, Encoding, TokenizerFiles, VocabOptions } from '../tokenizer/index.js';
