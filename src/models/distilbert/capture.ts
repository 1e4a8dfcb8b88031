// The activations of DistilBertForMaskedLM that a forward pass can keep, by the Hugging Face
// module names of modeling_distilbert.py, and the names behind transformers'
// `output_hidden_states` / `output_attentions`.
import type { CapturableName, ModelSizes } from '../masked-lm.js';
import { capturableNamesOf } from '../bert/capture-names.js';
import type { SameOutputs } from '../bert/capture.js';

/**
 * What can be captured, with `{i}` for a layer index, in the order a forward pass produces
 * them (B batch, S sequence length, H `dim`, A `n_heads`, I `hidden_dim`, V vocabulary).
 */
export const DISTILBERT_CAPTURE_POINTS: ReadonlyArray<readonly [name: string, shape: string, what: string]> = [
  ['distilbert.embeddings', '[B, S, H]', 'word + position embeddings after LayerNorm'],
  ['distilbert.embeddings.LayerNorm', '[B, S, H]', 'the embeddings\' LayerNorm (same as distilbert.embeddings)'],
  ['distilbert.transformer.layer.{i}.attention.q_lin', '[B, S, H]', 'query projection'],
  ['distilbert.transformer.layer.{i}.attention.k_lin', '[B, S, H]', 'key projection'],
  ['distilbert.transformer.layer.{i}.attention.v_lin', '[B, S, H]', 'value projection'],
  ['distilbert.transformer.layer.{i}.attention.attention_probs', '[B, A, S, S]',
    'attention probabilities (the attention module\'s second output in transformers)'],
  ['distilbert.transformer.layer.{i}.attention.out_lin', '[B, S, H]', 'output projection of the merged heads'],
  ['distilbert.transformer.layer.{i}.attention', '[B, S, H]', 'the attention output (same as out_lin; also keeps attention_probs)'],
  ['distilbert.transformer.layer.{i}.sa_layer_norm', '[B, S, H]', 'attention output + residual, LayerNorm'],
  ['distilbert.transformer.layer.{i}.ffn.lin1', '[B, S, I]', 'feed-forward up-projection, before the activation'],
  ['distilbert.transformer.layer.{i}.ffn.activation', '[B, S, I]', 'feed-forward up-projection after the activation'],
  ['distilbert.transformer.layer.{i}.ffn.lin2', '[B, S, H]', 'feed-forward down-projection'],
  ['distilbert.transformer.layer.{i}.ffn', '[B, S, H]', 'the feed-forward output (same as lin2)'],
  ['distilbert.transformer.layer.{i}.output_layer_norm', '[B, S, H]', 'feed-forward output + residual, LayerNorm'],
  ['distilbert.transformer.layer.{i}', '[B, S, H]', 'the layer output (same as output_layer_norm)'],
  ['distilbert.transformer', '[B, S, H]', 'last hidden state'],
  ['distilbert', '[B, S, H]', 'the base model: last hidden state (same as distilbert.transformer)'],
  ['vocab_transform', '[B, S, H]', 'MLM head dense layer, before the activation'],
  ['activation', '[B, S, H]', 'MLM head dense layer after the activation'],
  ['vocab_layer_norm', '[B, S, H]', 'MLM head LayerNorm'],
  ['vocab_projector', '[B, S, V]', 'MLM logits (computed in full only when asked for)'],
];

/** The modules whose output is another's (see bert/capture.ts's SAME_OUTPUTS). */
export const DISTILBERT_SAME_OUTPUTS: SameOutputs = [
  ['distilbert.embeddings.LayerNorm', 'distilbert.embeddings'],
  ['distilbert', 'distilbert.transformer'],
];

/** The module whose output is hidden state `i` in transformers' order (0: the embeddings). */
export function distilBertHiddenStateName(i: number): string {
  return i === 0 ? 'distilbert.embeddings' : `distilbert.transformer.layer.${i - 1}`;
}

/** The capture name of layer `i`'s attention probabilities (transformers' `attentions[i]`). */
export function distilBertAttentionName(i: number): string {
  return `distilbert.transformer.layer.${i}.attention.attention_probs`;
}

/** Every activation a DistilBertForMaskedLM of these sizes can keep, with its shape. */
export function distilBertCapturableNames(sizes: ModelSizes): CapturableName[] {
  return capturableNamesOf(DISTILBERT_CAPTURE_POINTS, sizes);
}
