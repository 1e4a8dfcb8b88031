// Which LayerNorm's output each of DistilBertForMaskedLM's linear layers reads (as for BERT,
// see ../bert/layer-norm-inputs.ts).

/** The canonical path of the LayerNorm that weight `name` reads in a model of `layers` layers (undefined: none). */
export function distilBertLayerNormReadBy(name: string, layers: number): string | undefined {
  const layer = /^distilbert\.transformer\.layer\.(\d+)\.(attention\.(q_lin|k_lin|v_lin)|ffn\.lin1)\.weight$/.exec(name);
  if (layer) {
    const i = Number(layer[1]);
    if (layer[2] === 'ffn.lin1') return `distilbert.transformer.layer.${i}.sa_layer_norm`;
    return i === 0 ? 'distilbert.embeddings.LayerNorm' : `distilbert.transformer.layer.${i - 1}.output_layer_norm`;
  }
  if (name === 'vocab_transform.weight') return `distilbert.transformer.layer.${layers - 1}.output_layer_norm`;
  if (name === 'vocab_projector.weight' || name === 'distilbert.embeddings.word_embeddings.weight') return 'vocab_layer_norm';
  return undefined;
}
