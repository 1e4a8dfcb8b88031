// A tokenizer.json for a BERT WordPiece vocabulary, shaped as Hugging Face's converter
// (transformers' `BertConverter`, what `BertTokenizerFast` saves) writes it for
// bert-base-uncased: the five special tokens as unnormalized added tokens, BertNormalizer,
// BertPreTokenizer, the [CLS] A [SEP] template and the WordPiece decoder. Tests and the
// benchmark feed it to the Rust `tokenizers` binding to get the reference ids.
import { bertBaseUncasedVocab } from './bert-vocab.js';

export interface BertTokenizerJsonOptions {
  lowercase?: boolean;
  stripAccents?: boolean | null;
  handleChineseChars?: boolean;
}

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** The tokenizer.json text for `vocab` (tokens in id order). */
export function bertTokenizerJson(vocab: string[] = bertBaseUncasedVocab(), options: BertTokenizerJsonOptions = {}): string {
  const ids = new Map(vocab.map((token, id) => [token, id] as const));
  const idOf = (token: string): number => {
    const id = ids.get(token);
    if (id === undefined) throw new Error(`vocabulary lacks ${token}`);
    return id;
  };
  const added = SPECIALS.filter((t) => ids.has(t)).map((content) => ({
    id: idOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  })).sort((a, b) => a.id - b.id);
  const cls = idOf('[CLS]');
  const sep = idOf('[SEP]');
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: options.handleChineseChars ?? true,
      strip_accents: options.stripAccents ?? null,
      lowercase: options.lowercase ?? true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, id) => [token, id])),
    },
  };
  return JSON.stringify(json);
}
