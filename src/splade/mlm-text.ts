// What sentence-transformers' MLMTransformer.tokenize does to each text before its tokenizer
// sees it: `str(s).strip()`, then `s.lower()` when its sentence_bert_config.json says
// do_lower_case. Byte-level BPE and SentencePiece tokenizers keep leading and trailing spaces
// as tokens of their own, so for RoBERTa and XLM-RoBERTa models the strip changes the vector.
import type { MlmTextInput } from '../io/sparse-encoder-layout.js';

/**
 * Python's whitespace (the characters `str.isspace()` accepts), which `str.strip()` removes.
 * Not JavaScript's `trim()` set: that one strips U+FEFF and keeps U+001C..U+001F and U+0085.
 */
const PYTHON_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PYTHON_STRIP = new RegExp(`^[${PYTHON_SPACE}]+|[${PYTHON_SPACE}]+$`, 'g');

/** `text.strip()` as Python computes it. */
export function pythonStrip(text: string): string {
  return text.replace(PYTHON_STRIP, '');
}

/**
 * The text MLMTransformer hands its tokenizer: stripped, and lowercased when `input.lowercase`
 * (JavaScript's toLowerCase and Python's lower() apply the same Unicode mappings, final sigma
 * included).
 */
export function mlmTransformerText(text: string, input: MlmTextInput): string {
  const stripped = pythonStrip(text);
  return input.lowercase ? stripped.toLowerCase() : stripped;
}
