// An encoder held mid-encode, for the tests of abandoned requests (encode-batcher, handler,
// listen): a spy that records the texts of each encode and holds the first until `release()`,
// so that the requests queued meanwhile wait, as behind a slow encode.
import type { SpladeEncoder } from '../../src/node/splade-encoder.js';

export interface HeldEncoder {
  /** The encoder to serve: `encoder` with encode wrapped (set more methods on it as needed). */
  readonly spy: SpladeEncoder;
  /** The texts of each encode, in order. */
  readonly seen: string[][];
  /** Resolves once the first encode has begun (and is held). */
  readonly started: Promise<void>;
  /** Lets the held encode, and every later one, run. */
  release(): void;
}

export function heldEncoder(encoder: SpladeEncoder): HeldEncoder {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let start!: () => void;
  const started = new Promise<void>((resolve) => (start = resolve));
  const seen: string[][] = [];
  const spy = Object.create(encoder) as SpladeEncoder;
  spy.encode = async (...args: Parameters<SpladeEncoder['encode']>) => {
    seen.push([...args[0]]);
    start();
    await released;
    return encoder.encode(...args);
  };
  return { spy, seen, started, release };
}
