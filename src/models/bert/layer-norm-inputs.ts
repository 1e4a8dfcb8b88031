// Which LayerNorm's output each of BertForMaskedLM's linear layers reads (BERT normalizes after
// each residual add, so a layer's output is its output.LayerNorm's). int8 keeps the input
// columns that LayerNorm makes outlier features of in float32 (see Int8Weight.floatColumns).

/**
 * The canonical path of the LayerNorm that weight `name` (canonical, e.g.
 * "bert.encoder.layer.3.attention.self.query.weight") reads, in a model of `layers` layers;
 * undefined for the weights that read the attention context or the GELU intermediate.
 */
export function bertLayerNormReadBy(name: string, layers: number): string | undefined {
  const layer = /^bert\.encoder\.layer\.(\d+)\.(attention\.self\.(query|key|value)|intermediate\.dense)\.weight$/.exec(name);
  if (layer) {
    const i = Number(layer[1]);
    if (layer[2] === 'intermediate.dense') return `bert.encoder.layer.${i}.attention.output.LayerNorm`;
    return i === 0 ? 'bert.embeddings.LayerNorm' : `bert.encoder.layer.${i - 1}.output.LayerNorm`;
  }
  if (name === 'cls.predictions.transform.dense.weight') return `bert.encoder.layer.${layers - 1}.output.LayerNorm`;
  // The decoder, or the word embeddings it is tied to.
  if (name === 'cls.predictions.decoder.weight' || name === 'bert.embeddings.word_embeddings.weight') return 'cls.predictions.transform.LayerNorm';
  return undefined;
}
