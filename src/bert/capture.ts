// Named activations: a forward pass can keep intermediate results by the Hugging Face module
// name that produced them, so a model can be inspected and compared with PyTorch layer by
// layer. Names are those of BertForMaskedLM's modules (see CAPTURE_POINTS); a `*` in a
// requested name matches one dot-free segment ("bert.encoder.layer.*.output").
import { SpladeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** A capture request that named nothing the model produces. */
export class CaptureError extends SpladeError {}

/**
 * What can be captured, with `{i}` for a layer index, and the shape each result has
 * (B batch, S sequence length, H hidden size, A heads, I intermediate size, V vocabulary).
 */
export const CAPTURE_POINTS: ReadonlyArray<readonly [name: string, shape: string, what: string]> = [
  ['bert.embeddings', '[B, S, H]', 'word + position + token type embeddings after LayerNorm'],
  ['bert.encoder.layer.{i}.attention.self', '[B, S, H]', 'attention context, heads merged'],
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

/** Collects the activations a forward pass was asked to keep. */
export class Capture {
  private readonly patterns: Array<{ text: string; regexp: RegExp; used: boolean }>;
  /** The kept tensors by module name, in the order the forward pass produced them. */
  readonly results = new Map<string, Tensor>();

  constructor(names: readonly string[] = []) {
    this.patterns = names.map((text) => ({ text, regexp: patternToRegExp(text), used: false }));
  }

  /** Whether the activation of module `name` was asked for. */
  wants(name: string): boolean {
    let wanted = false;
    for (const pattern of this.patterns) {
      if (pattern.regexp.test(name)) {
        pattern.used = true;
        wanted = true;
      }
    }
    return wanted;
  }

  /** Keeps `tensor` (seen with `shape`) under `name` when it was asked for. */
  keep(name: string, tensor: Tensor, shape: readonly number[]): void {
    if (this.wants(name)) this.results.set(name, tensor.reshape(shape, name));
  }

  /** Throws when a requested name matched no module the forward pass went through. */
  checkAllUsed(): void {
    const unused = this.patterns.filter((p) => !p.used).map((p) => `'${p.text}'`);
    if (unused.length > 0) {
      const known = CAPTURE_POINTS.map(([name]) => name).join(', ');
      throw new CaptureError(`nothing to capture under ${unused.join(', ')}; known names: ${known}`);
    }
  }
}
