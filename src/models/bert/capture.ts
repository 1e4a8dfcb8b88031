// Named activations: a forward pass can keep intermediate results by the Hugging Face module
// name that produced them, so a model can be inspected and compared with PyTorch layer by
// layer. Names are those of BertForMaskedLM's modules (see CAPTURE_POINTS); a `*` in a
// requested name matches one dot-free segment ("bert.encoder.layer.*.output").
import { SpladeError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';

/** A capture request that named nothing the model produces. */
export class CaptureError extends SpladeError {}

/**
 * What can be captured, with `{i}` for a layer index, and the shape each result has
 * (B batch, S sequence length, H hidden size, A heads, I intermediate size, V vocabulary).
 */
export const CAPTURE_POINTS: ReadonlyArray<readonly [name: string, shape: string, what: string]> = [
  ['bert.embeddings', '[B, S, H]', 'word + position + token type embeddings after LayerNorm'],
  ['bert.embeddings.LayerNorm', '[B, S, H]', 'the embeddings\' LayerNorm (same as bert.embeddings)'],
  ['bert.encoder.layer.{i}.attention.self.query', '[B, S, H]', 'query projection'],
  ['bert.encoder.layer.{i}.attention.self.key', '[B, S, H]', 'key projection'],
  ['bert.encoder.layer.{i}.attention.self.value', '[B, S, H]', 'value projection'],
  ['bert.encoder.layer.{i}.attention.self', '[B, S, H]', 'attention context, heads merged (also keeps attention_probs)'],
  ['bert.encoder.layer.{i}.attention.self.attention_probs', '[B, A, S, S]', 'attention probabilities'],
  ['bert.encoder.layer.{i}.attention.output.dense', '[B, S, H]', 'attention output projection, before the residual'],
  ['bert.encoder.layer.{i}.attention.output.LayerNorm', '[B, S, H]', 'projection + residual, LayerNorm (same as attention.output)'],
  ['bert.encoder.layer.{i}.attention.output', '[B, S, H]', 'output projection + residual + LayerNorm'],
  ['bert.encoder.layer.{i}.attention', '[B, S, H]', 'the attention block output (same as attention.output)'],
  ['bert.encoder.layer.{i}.intermediate.dense', '[B, S, I]', 'feed-forward up-projection, before the activation'],
  ['bert.encoder.layer.{i}.intermediate.intermediate_act_fn', '[B, S, I]', 'the activation (same as intermediate)'],
  ['bert.encoder.layer.{i}.intermediate', '[B, S, I]', 'feed-forward up-projection after the activation'],
  ['bert.encoder.layer.{i}.output.dense', '[B, S, H]', 'feed-forward down-projection, before the residual'],
  ['bert.encoder.layer.{i}.output.LayerNorm', '[B, S, H]', 'down-projection + residual, LayerNorm (same as output)'],
  ['bert.encoder.layer.{i}.output', '[B, S, H]', 'feed-forward down-projection + residual + LayerNorm'],
  ['bert.encoder.layer.{i}', '[B, S, H]', 'the layer output (same as output)'],
  ['bert.encoder', '[B, S, H]', 'last hidden state'],
  ['bert', '[B, S, H]', 'the base model: last hidden state (same as bert.encoder)'],
  ['cls.predictions.transform.dense', '[B, S, H]', 'MLM head dense layer, before the activation'],
  ['cls.predictions.transform.transform_act_fn', '[B, S, H]', 'MLM head dense layer after the activation'],
  ['cls.predictions.transform.LayerNorm', '[B, S, H]', 'MLM head LayerNorm (same as cls.predictions.transform)'],
  ['cls.predictions.transform', '[B, S, H]', 'MLM head transform: dense, activation, LayerNorm'],
  ['cls.predictions.decoder', '[B, S, V]', 'the decoder, its bias cls.predictions.bias (same as cls.predictions)'],
  ['cls.predictions', '[B, S, V]', 'MLM logits (computed in full only when asked for)'],
  ['cls', '[B, S, V]', 'the MLM head: logits (same as cls.predictions)'],
];

/**
 * Modules whose output is another module's, as [name, same as]: the module that runs last inside
 * a block (its LayerNorm, its activation, the decoder) and the module that only wraps another
 * (`bert` around `bert.encoder`, `cls` around `cls.predictions`). They are kept with the tensor
 * of the module they mirror, as a PyTorch hook on either would see the same values.
 */
export type SameOutputs = ReadonlyArray<readonly [name: string, sameAs: string]>;

export const SAME_OUTPUTS: SameOutputs = [
  ['bert.embeddings.LayerNorm', 'bert.embeddings'],
  ['bert.encoder.layer.{i}.attention.output.LayerNorm', 'bert.encoder.layer.{i}.attention.output'],
  ['bert.encoder.layer.{i}.intermediate.intermediate_act_fn', 'bert.encoder.layer.{i}.intermediate'],
  ['bert.encoder.layer.{i}.output.LayerNorm', 'bert.encoder.layer.{i}.output'],
  ['bert', 'bert.encoder'],
  ['cls.predictions.transform.LayerNorm', 'cls.predictions.transform'],
  ['cls.predictions.decoder', 'cls.predictions'],
  ['cls', 'cls.predictions'],
];

/** For a kept module's name, the names of the modules whose output is the same tensor. */
function sameOutputsOf(rules: SameOutputs): (name: string) => string[] {
  const compiled = rules.map(([name, sameAs]) => {
    const source = sameAs.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace('{i}', '(\\d+)');
    return { name, sameAs: new RegExp(`^${source}$`) };
  });
  return (kept) => compiled.flatMap(({ name, sameAs }) => {
    const match = sameAs.exec(kept);
    return match ? [name.replace('{i}', match[1] ?? '')] : [];
  });
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^.]+')}$`);
}

/** Whether capture pattern `pattern` (`*` matching one dot-free segment) names module `name`. */
export function matchesCapturePattern(pattern: string, name: string): boolean {
  return patternToRegExp(pattern).test(name);
}

/** Collects the activations a forward pass was asked to keep. */
export class Capture {
  private readonly patterns: Array<{ text: string; regexp: RegExp; used: boolean; internal: boolean }>;
  /** The kept tensors by module name, in the order the forward pass produced them. */
  readonly results = new Map<string, Tensor>();
  /** The kept names that the caller's own patterns asked for (not only the model's internal ones). */
  readonly requested = new Set<string>();

  private readonly sameOutputs: (name: string) => string[];

  /**
   * @param names what the caller asked for (each must match something, see checkAllUsed)
   * @param internal exact names the model itself needs kept (hidden states, attentions)
   * @param known the model's capturable names (with `{i}`), listed when a name matches nothing
   * @param sameOutputs the model's modules whose output is another's (see SAME_OUTPUTS)
   */
  constructor(
    names: readonly string[] = [],
    internal: readonly string[] = [],
    private readonly known: readonly string[] = CAPTURE_POINTS.map(([name]) => name),
    sameOutputs: SameOutputs = SAME_OUTPUTS,
  ) {
    this.sameOutputs = sameOutputsOf(sameOutputs);
    this.patterns = [
      ...names.map((text) => ({ text, regexp: patternToRegExp(text), used: false, internal: false })),
      ...internal.map((text) => ({ text, regexp: patternToRegExp(text), used: true, internal: true })),
    ];
  }

  /** Whether the activation of module `name` (or of a module with the same output) was asked for. */
  wants(name: string): boolean {
    // An encode asks for nothing: no need to work out the module's same-output names each layer.
    if (this.patterns.length === 0) return false;
    return [name, ...this.sameOutputs(name)].map((n) => this.match(n)).some((match) => match !== 'no');
  }

  /** Whether any of the modules `names` was asked for. */
  wantsAny(names: readonly string[]): boolean {
    return names.map((name) => this.wants(name)).some(Boolean);
  }

  /** Whether a kept tensor shares `tensor`'s values (then they must stay as they are). */
  holds(tensor: Tensor): boolean {
    for (const kept of this.results.values()) if (kept.data === tensor.data) return true;
    return false;
  }

  /** Keeps `tensor` (seen with `shape`) under `name` when it was asked for. */
  keep(name: string, tensor: Tensor, shape: readonly number[]): void {
    // As in wants(): an encode keeps nothing, so no reshape or same-output names per module.
    if (this.patterns.length === 0) return;
    const shaped = tensor.reshape(shape, name);
    this.keepIf(this.match(name), name, shaped);
    for (const same of this.sameOutputs(name)) this.keepIf(this.match(same), same, shaped);
  }

  /**
   * Keeps `tensor` under `name` when it or the module `parent` that produced it was asked for
   * (a module's capture keeps all of its outputs, as transformers' tuples hold them).
   */
  keepWithParent(parent: string, name: string, tensor: Tensor): void {
    const own = this.match(name);
    const fromParent = this.match(parent);
    this.keepIf(own === 'caller' || fromParent === 'caller' ? 'caller' : own === 'no' ? fromParent : own, name, tensor);
  }

  private keepIf(match: 'no' | 'internal' | 'caller', name: string, tensor: Tensor): void {
    if (match === 'no') return;
    this.results.set(name, tensor);
    if (match === 'caller') this.requested.add(name);
  }

  /** Which patterns ask for `name` (marking them used): none, only internal ones, or the caller's. */
  private match(name: string): 'no' | 'internal' | 'caller' {
    let result: 'no' | 'internal' | 'caller' = 'no';
    for (const pattern of this.patterns) {
      if (pattern.regexp.test(name)) {
        pattern.used = true;
        if (!pattern.internal) result = 'caller';
        else if (result === 'no') result = 'internal';
      }
    }
    return result;
  }

  /** The kept tensors that the caller's patterns asked for, in production order. */
  requestedResults(): Map<string, Tensor> {
    return new Map([...this.results].filter(([name]) => this.requested.has(name)));
  }

  /** Throws when a requested name matched no module the forward pass went through. */
  checkAllUsed(): void {
    const unused = this.patterns.filter((p) => !p.used).map((p) => `'${p.text}'`);
    if (unused.length > 0) {
      const known = this.known.join(', ');
      throw new CaptureError(`nothing to capture under ${unused.join(', ')}; known names: ${known}`);
    }
  }
}
