// Every name a forward pass can capture for a given config, with the concrete shape of what it
// keeps, and the names behind transformers' `output_hidden_states` / `output_attentions`.
import type { CapturableName, ModelSizes } from '../masked-lm.js';

export type { CapturableName } from '../masked-lm.js';
import { CAPTURE_POINTS } from './capture.js';
import type { BertConfig } from './config.js';

/**
 * The module whose output is hidden state `i` in transformers' order (0: the embeddings).
 * @param base the base model's name: `bert`, or `roberta` (whose modules are BERT's)
 */
export function hiddenStateName(i: number, base = 'bert'): string {
  return i === 0 ? `${base}.embeddings` : `${base}.encoder.layer.${i - 1}`;
}

/** The names of transformers' `hidden_states` tuple: num_hidden_layers + 1 of them. */
export function hiddenStateNames(numHiddenLayers: number, base = 'bert'): string[] {
  return Array.from({ length: numHiddenLayers + 1 }, (_, i) => hiddenStateName(i, base));
}

/** The capture name of layer `i`'s attention probabilities (transformers' `attentions[i]`). */
export function attentionName(i: number, base = 'bert'): string {
  return `${base}.encoder.layer.${i}.attention.self.attention_probs`;
}

function concreteShape(symbolic: string, config: ModelSizes): Array<number | 'batch' | 'seq'> {
  const sizes: Record<string, number | 'batch' | 'seq'> = {
    B: 'batch',
    S: 'seq',
    H: config.hidden_size,
    A: config.num_attention_heads,
    I: config.intermediate_size,
    V: config.vocab_size,
  };
  return symbolic.replace(/[[\]\s]/g, '').split(',').map((letter) => sizes[letter]);
}

/**
 * Every activation `forward(input, { capture })` can keep for this config, in the order a
 * forward pass produces them (layer by layer).
 */
export function capturableNames(config: BertConfig): CapturableName[] {
  return capturableNamesOf(CAPTURE_POINTS, config);
}

/**
 * The concrete names and shapes of a model's capture points (`{i}` for a layer index): the
 * points before the first layer's, then every layer's points, then the other points.
 */
export function capturableNamesOf(
  points: ReadonlyArray<readonly [name: string, shape: string, what: string]>,
  config: ModelSizes,
): CapturableName[] {
  const out: CapturableName[] = [];
  const add = (name: string, shape: string, description: string): void => {
    out.push({ name, shape: concreteShape(shape, config), description });
  };
  const perLayer = points.filter(([name]) => name.includes('{i}'));
  const found = points.findIndex(([name]) => name.includes('{i}'));
  const firstLayer = found < 0 ? points.length : found;
  const [before, after] = [points.slice(0, firstLayer), points.slice(firstLayer).filter(([name]) => !name.includes('{i}'))];
  for (const [name, shape, what] of before) add(name, shape, what);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    for (const [name, shape, what] of perLayer) add(name.replace('{i}', String(i)), shape, what);
  }
  for (const [name, shape, what] of after) add(name, shape, what);
  return out;
}
