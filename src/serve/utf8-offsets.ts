// A text's UTF-8 bytes beside its UTF-16 units. text-embeddings-inference's /tokenize answers
// byte offsets (Rust's tokenizers give them by default) and each token's text as those bytes of
// the input, read lossily (core/src/tokenization.rs `into_tokens`); JavaScript strings and the
// tokenizers of src/tokenizer count UTF-16 units.
import { isPairAt } from '../tokenizer/normalized-string.js';

/** A text as UTF-8, with the byte at which each of its UTF-16 units starts. */
export class Utf8Text {
  private readonly bytes: Uint8Array;
  private readonly byteOf: Uint32Array;
  private static readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(text: string) {
    this.bytes = new TextEncoder().encode(text);
    this.byteOf = utf16ToUtf8(text);
  }

  /** The UTF-8 offset of UTF-16 offset `unit` (0 to the text's length). */
  byteOffset(unit: number): number {
    return this.byteOf[unit];
  }

  /** Bytes [start, stop) as text, a broken character as U+FFFD (Rust's from_utf8_lossy). */
  slice(start: number, stop: number): string {
    return Utf8Text.decoder.decode(this.bytes.subarray(start, stop));
  }
}

/**
 * The UTF-8 offset of each UTF-16 offset of `text`, its end included. A lone surrogate takes
 * 3 bytes, as TextEncoder writes it (U+FFFD); the low half of a pair gets its pair's offset.
 */
function utf16ToUtf8(text: string): Uint32Array {
  const out = new Uint32Array(text.length + 1);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    out[i] = bytes;
    const unit = text.charCodeAt(i);
    if (isPairAt(text, i)) {
      out[++i] = bytes;
      bytes += 4;
    } else {
      bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
    }
  }
  out[text.length] = bytes;
  return out;
}
