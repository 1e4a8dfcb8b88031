// The forward pass of a BERT-architecture masked LM (BertForMaskedLM, RobertaForMaskedLM):
// the base model, then the MLM head only as far as what was asked for (the SPLADE pooling,
// captured logits or transformed states), with the captures transformers' outputs name.
import type { Backend } from '../../tensor/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ForwardOptions, ForwardOutput } from '../masked-lm.js';
import type { BertModel } from './bert-model.js';
import { Capture, type SameOutputs } from './capture.js';
import { attentionName, hiddenStateNames } from './capture-names.js';
import { keepTokens, release, type ForwardContext } from './context.js';
import type { BertInput } from './input.js';
import type { BertLMPredictionHead } from './mlm-head.js';

/** The parts of a masked LM that one forward pass runs. */
export interface MaskedLMParts {
  readonly backend: Backend;
  /** The base model, named `bert` or `roberta`. */
  readonly base: BertModel;
  readonly head: BertLMPredictionHead;
  readonly hiddenSize: number;
  readonly layers: number;
  /** The capturable names (with `{i}`), listed when a requested name matches nothing. */
  readonly known: readonly string[];
  /** The modules whose output is another's (see SAME_OUTPUTS). */
  readonly sameOutputs: SameOutputs;
}

/** One forward pass over a checked batch; run it in the backend's scope (runInScope). */
export async function forwardMaskedLM(parts: MaskedLMParts, input: BertInput, options: ForwardOptions): Promise<ForwardOutput> {
  const { base, head, layers } = parts;
  const hiddenNames = options.outputHiddenStates ? hiddenStateNames(layers, base.name) : [];
  const attentionNames = options.outputAttentions ? Array.from({ length: layers }, (_, i) => attentionName(i, base.name)) : [];
  const capture = new Capture(options.capture ?? [], [...hiddenNames, ...attentionNames], parts.known, parts.sameOutputs);
  const context: ForwardContext = {
    backend: parts.backend,
    tokens: { batch: input.batch, seq: input.seq, mask: input.attentionMask },
    capture,
  };
  const hidden = await base.forward(context, input);
  const wantsLogits = capture.wants(head.name);
  let splade: Tensor | undefined;
  if (options.splade || wantsLogits || capture.wantsAny(head.transform.captureNames)) {
    const transformed = await head.transform.forward(context, hidden);
    if (wantsLogits) keepTokens(context, head.name, await head.logits(context, transformed));
    if (options.splade) splade = await head.splade(context, transformed);
    release(context, transformed);
  }
  capture.checkAllUsed();
  const kept = (name: string): Tensor => capture.results.get(name)!;
  return {
    lastHiddenState: hidden.reshape([input.batch, input.seq, parts.hiddenSize]),
    ...(splade ? { splade } : {}),
    captured: capture.requestedResults(),
    ...(options.outputHiddenStates ? { hiddenStates: hiddenNames.map(kept) } : {}),
    ...(options.outputAttentions ? { attentions: attentionNames.map(kept) } : {}),
  };
}
