// What SPLADE, `inspect` and `explain` need of a masked language model, whichever Hugging Face
// family it comes from (BertForMaskedLM, DistilBertForMaskedLM): its sizes under one set of
// names, a forward pass over a checked batch, and the names of its modules.
import type { Backend } from '../tensor/backend.js';
import type { BertInput } from './bert/input.js';
import type { ForwardOptions, ForwardOutput } from './bert/bert-for-masked-lm.js';
import type { CapturableName } from './bert/capture-names.js';

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
export type ModelType = 'bert' | 'distilbert';

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
