// What SPLADE, `inspect` and `explain` need of a masked language model, whichever Hugging Face
// family it comes from (BertForMaskedLM, DistilBertForMaskedLM): its sizes under one set of
// names, a forward pass over a checked batch, and the names of its modules.
import type { Backend } from '../tensor/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BertInput } from './bert/input.js';

/** What a forward pass should compute beyond the last hidden state. */
export interface ForwardOptions {
  /** Module names whose outputs to keep (see CAPTURE_POINTS; `*` matches one segment). */
  readonly capture?: readonly string[];
  /** Compute the SPLADE vectors [batch, vocab] (fused pooling, no full logits). */
  readonly splade?: boolean;
  /**
   * Return `hiddenStates` as transformers' `output_hidden_states=True` does: the embeddings
   * output, then each layer's output (num_hidden_layers + 1 tensors [batch, seq, hidden]).
   */
  readonly outputHiddenStates?: boolean;
  /**
   * Return `attentions` as transformers' `output_attentions=True` does: each layer's softmax
   * probabilities [batch, heads, seq, seq], padded query rows included.
   */
  readonly outputAttentions?: boolean;
}

export interface ForwardOutput {
  /** [batch, seq, hidden] */
  readonly lastHiddenState: Tensor;
  /** [batch, vocab] dense SPLADE weights, when asked for. */
  readonly splade?: Tensor;
  /** The captured activations by module name (only those `capture` asked for). */
  readonly captured: Map<string, Tensor>;
  /** With `outputHiddenStates`: embeddings output first, then every layer's output. */
  readonly hiddenStates?: readonly Tensor[];
  /** With `outputAttentions`: every layer's attention probabilities [batch, heads, seq, seq]. */
  readonly attentions?: readonly Tensor[];
}

/** One capturable activation of a concrete model. */
export interface CapturableName {
  /** The Hugging Face module name (`bert.encoder.layer.3.intermediate`). */
  readonly name: string;
  /** Its shape, with 'batch' and 'seq' for the sizes that depend on the input. */
  readonly shape: ReadonlyArray<number | 'batch' | 'seq'>;
  /** What the tensor is. */
  readonly description: string;
}


/**
 * A model's sizes by BERT's config.json names (DistilBERT's `dim` is `hidden_size`, `n_layers`
 * is `num_hidden_layers`, ... as transformers' `attribute_map` reads them).
 */
export interface ModelSizes {
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly intermediate_size: number;
  readonly max_position_embeddings: number;
  /** 1 for models without token type embeddings: every token type id must be 0. */
  readonly type_vocab_size: number;
}

/** The model families splade-ts runs, by config.json's `model_type`. */
export type ModelType = 'bert' | 'distilbert' | 'roberta';

/** A masked language model whose vocabulary logits SPLADE pools. */
export interface MaskedLM {
  readonly modelType: ModelType;
  /** The transformers class, e.g. `BertForMaskedLM`. */
  readonly architecture: string;
  readonly sizes: ModelSizes;
  readonly backend: Backend;
  /** The module whose output is the MLM logits: `cls.predictions`, `vocab_projector`. */
  readonly logitsName: string;
  /** Runs the model on a checked batch (see BertForMaskedLM.forward). */
  forward(input: BertInput, options?: ForwardOptions): Promise<ForwardOutput>;
  /** Every activation `forward` can capture, in the order a forward pass produces them. */
  capturableNames(): CapturableName[];
}
