// The texts `splade search --corpus` gives its hits: looked up in the corpus the index was
// built from, cut for a terminal with --text-chars, and the hits whose document the corpus does
// not have counted, for one note at the end rather than one a hit.
import type { CorpusTexts } from '../node/corpus/corpus-texts.js';

const ELLIPSIS = '…';

/**
 * `text` cut to `chars` code points (a character outside the BMP counts once and is never
 * split), with "…" after a cut; `text` itself when it is no longer.
 */
export function cutText(text: string, chars: number): string {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (count === chars) return text.slice(0, i) + ELLIPSIS;
    count++;
    // A surrogate pair is one code point: step over its second half.
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) i++;
    }
  }
  return text;
}

/** The texts of hits, and how many hits had none. */
export class HitTexts {
  private hits = 0;
  private missing = 0;

  /** @param maxChars cut each text to so many code points (see cutText); undefined: whole */
  constructor(private readonly corpus: CorpusTexts, private readonly maxChars: number | undefined) {}

  /** Each id's text (null for a document the corpus does not have). */
  async of(ids: readonly string[]): Promise<Array<string | null>> {
    const texts = await this.corpus.texts(ids);
    this.hits += ids.length;
    this.missing += texts.filter((text) => text === null).length;
    const { maxChars } = this;
    return maxChars === undefined ? texts : texts.map((text) => (text === null ? null : cutText(text, maxChars)));
  }

  /**
   * The note that some hits had no text, or undefined when every one had. Not an error: the
   * ranking itself is right and is printed, and a corpus may lack documents on purpose (a
   * sample); but most often it is another corpus than the index's, which the note asks about.
   */
  note(): string | undefined {
    if (this.missing === 0) return undefined;
    const one = this.missing === 1;
    const hits = one ? `1 hit of ${this.hits} is a document` : `${this.missing} hits of ${this.hits} are documents`;
    return `note: ${hits} that ${this.corpus.path} does not have (${one ? 'its' : 'their'} "text" is null): is it the corpus the index was built from?`;
  }
}
