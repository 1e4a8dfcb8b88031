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
  ['bert.encoder.layer.{i}.attention.self', '[B, S, H]', 'attention context, heads merged (also keeps attention_probs)'],
  ['bert.encoder.layer.{i}.attention.self.attention_probs', '[B, A, S, S]', 'attention probabilities'],
  ['bert.encoder.layer.{i}.attention.output', '[B, S, H]', 'output projection + residual + LayerNorm'],
  ['bert.encoder.layer.{i}.attention', '[B, S, H]', 'the attention block output (same as attention.output)'],
  ['bert.encoder.layer.{i}.intermediate', '[B, S, I]', 'feed-forward up-projection after the activation'],
  ['bert.encoder.layer.{i}.output', '[B, S, H]', 'feed-forward down-projection + residual + LayerNorm'],
  ['bert.encoder.layer.{i}', '[B, S, H]', 'the layer output (same as output)'],
  ['bert.encoder', '[B, S, H]', 'last hidden state'],
  ['cls.predictions.transform', '[B, S, H]', 'MLM head transform: dense, activation, LayerNorm'],
  ['cls.predictions', '[B, S, V]', 'MLM logits (computed in full only when asked for)'],
];

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

  /**
   * @param names what the caller asked for (each must match something, see checkAllUsed)
   * @param internal exact names the model itself needs kept (hidden states, attentions)
   * @param known the model's capturable names (with `{i}`), listed when a name matches nothing
   */
  constructor(
    names: readonly string[] = [],
    internal: readonly string[] = [],
    private readonly known: readonly string[] = CAPTURE_POINTS.map(([name]) => name),
  ) {
    this.patterns = [
      ...names.map((text) => ({ text, regexp: patternToRegExp(text), used: false, internal: false })),
      ...internal.map((text) => ({ text, regexp: patternToRegExp(text), used: true, internal: true })),
    ];
  }

  /** Whether the activation of module `name` was asked for. */
  wants(name: string): boolean {
    return this.match(name) !== 'no';
  }

  /** Whether a kept tensor shares `tensor`'s values (then they must stay as they are). */
  holds(tensor: Tensor): boolean {
    for (const kept of this.results.values()) if (kept.data === tensor.data) return true;
    return false;
  }

  /** Keeps `tensor` (seen with `shape`) under `name` when it was asked for. */
  keep(name: string, tensor: Tensor, shape: readonly number[]): void {
    this.keepIf(this.match(name), name, tensor.reshape(shape, name));
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
