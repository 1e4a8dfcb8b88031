// The WordPiece decoder: continuation pieces lose their "##" and join the previous piece,
// other pieces get a space before them; with `cleanup`, each piece (space included) then has
// Hugging Face's tokenization artifacts undone (" ." → ".", " n't" → "n't", …). Rust applies
// the cleanup to each piece on its own, so "'" followed by "ve" stays "' ve".

const CLEANUPS: Array<[string, string]> = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [' do not', " don't"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

export interface DecoderSettings {
  prefix: string;
  cleanup: boolean;
}

/** Joins WordPiece tokens back into text. */
export function decodeWordPieces(tokens: readonly string[], settings: DecoderSettings): string {
  let out = '';
  tokens.forEach((token, i) => {
    let piece = token;
    if (i !== 0) piece = piece.startsWith(settings.prefix) ? piece.slice(settings.prefix.length) : ' ' + piece;
    if (settings.cleanup) for (const [from, to] of CLEANUPS) piece = piece.replaceAll(from, to);
    out += piece;
  });
  return out;
}
