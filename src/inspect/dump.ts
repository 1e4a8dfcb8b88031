// The tensors `splade inspect` writes, by the names a PyTorch user knows: transformers'
// `hidden_states.{i}` and `attentions.{i}` tuples, `logits`, and captured modules under their
// Hugging Face names. Browser-safe: writing them to a file is the caller's business.
import type { MaskedLM } from '../models/masked-lm.js';
import { matchesCapturePattern } from '../models/bert/capture.js';
import type { BertInput } from '../models/bert/input.js';
import type { Tensor } from '../tensor/tensor.js';

/** What to dump besides the input ids. */
export interface DumpOptions {
  /** Module names or patterns to capture (see capturableNames). */
  readonly capture?: readonly string[];
  /** `hidden_states.0` (embeddings) to `hidden_states.{num_hidden_layers}`. */
  readonly hiddenStates?: boolean;
  /** `attentions.{i}` [batch, heads, seq, seq] for every layer. */
  readonly attentions?: boolean;
  /** `logits` [batch, seq, vocab]: the MLM head's output. */
  readonly logits?: boolean;
}

/** Named tensors in the order they are listed: outputs first, then captured modules. */
export type NamedTensors = ReadonlyArray<readonly [name: string, tensor: Tensor]>;

/**
 * Runs one forward pass and names what it produced.
 * @throws CaptureError when a capture pattern names nothing; InputError for bad input
 */
export async function dumpActivations(model: MaskedLM, input: BertInput, options: DumpOptions): Promise<NamedTensors> {
  const asked = options.capture ?? [];
  const output = await model.forward(input, {
    capture: options.logits ? [...asked, model.logitsName] : asked,
    outputHiddenStates: options.hiddenStates ?? false,
    outputAttentions: options.attentions ?? false,
  });
  const out: Array<readonly [string, Tensor]> = [];
  output.hiddenStates?.forEach((tensor, i) => out.push([`hidden_states.${i}`, tensor]));
  output.attentions?.forEach((tensor, i) => out.push([`attentions.${i}`, tensor]));
  if (options.logits) out.push(['logits', output.captured.get(model.logitsName)!]);
  for (const [name, tensor] of output.captured) {
    // The logits module kept only for `logits` is not written twice.
    if (name === model.logitsName && !asked.some((pattern) => matchesCapturePattern(pattern, name))) continue;
    out.push([name, tensor]);
  }
  return out;
}
