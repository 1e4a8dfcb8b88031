// The checks every model family's parity fixtures get (distilbert.test.ts, roberta.test.ts): the
// SPLADE weights through the CLI, the dense activations through the library, and a
// `splade inspect` dump, each against what the family's plain-torch reference wrote.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { SPLADE_ABS_TOLERANCE, checkCase } from './check-case.js';
import { compareWithReference, dumpCase } from './inspect-check.js';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** `splade encode --input-ids` on the case; the failures against expected.safetensors' splade. */
export async function encodeCliFailures(dir: string): Promise<string[]> {
  const result = spawnSync(process.execPath, [join(root, 'bin/splade.js'), 'encode', '--model', dir, '--input-ids', join(dir, 'inputs.json')], { encoding: 'utf8' });
  if (result.status !== 0) return [`splade encode exited ${result.status}: ${result.stderr}`];
  const expected = await readSafetensorsFile(join(dir, 'expected.safetensors'));
  const [batch, vocab] = expected.info('splade')!.shape;
  const torch = expected.float32('splade');
  const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { row: number; indices: number[]; values: number[] });
  if (lines.length !== batch) return [`${lines.length} lines for ${batch} rows`];
  const failures: string[] = [];
  for (const line of lines) {
    const ours = new Float32Array(vocab);
    line.indices.forEach((id, k) => (ours[id] = line.values[k]));
    for (let v = 0; v < vocab; v++) {
      const diff = Math.abs(ours[v] - torch[line.row * vocab + v]);
      if (!(diff <= SPLADE_ABS_TOLERANCE)) failures.push(`row ${line.row} term ${v}: ${ours[v]} vs torch ${torch[line.row * vocab + v]}`);
    }
  }
  return failures;
}

/** The three checks of each case: CLI SPLADE weights, dense activations, the inspect dump. */
export function familyParityChecks(
  test: ReturnType<typeof suite>, cases: readonly string[], dir: (name: string) => string, label: (name: string) => string, out: string,
): void {
  for (const name of cases) {
    test(`${label(name)}: SPLADE weights through splade encode --input-ids within 1e-4`, async () => {
      assert.equal(await encodeCliFailures(dir(name)), []);
    });
    test(`${label(name)}: last hidden state, logits, embeddings, attention probabilities match`, async () => {
      assert.equal(await checkCase(dir(name)), []);
    });
    test(`${label(name)}: splade inspect matches every layer's hidden states and attentions`, async () => {
      const dump = await dumpCase(dir(name), join(out, `${name}.dump.safetensors`));
      const expected = await readSafetensorsFile(join(dir(name), 'hf_outputs.safetensors'));
      assert.ok(expected.names().filter((n) => n.startsWith('attentions.')).length >= 2);
      assert.equal(compareWithReference(dump, expected), []);
    });
  }
}
