// The checks every model family's parity fixtures get (distilbert.test.ts, roberta.test.ts): the
// SPLADE weights through the CLI, the dense activations through the library, and a
// `splade inspect` dump, each against what the family's plain-torch reference wrote; and the
// live check of a generated folder against that reference (liveTorchFailures).
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import { bertInputFromRows } from '../../src/models/bert/input.js';
import { SpladeEncoder } from '../../src/node/splade-encoder.js';
import type { Backend } from '../../src/tensor/backend.js';
import { RELATIVE_TOLERANCE, SPLADE_ABS_TOLERANCE, checkCase, maxAbsDiff, relativeDiff } from './check-case.js';
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

/**
 * Runs a family's plain-torch reference (`script run DIR IDS OUT`) on `rows` of a generated
 * folder and encodes the same rows here; the failures: hidden states and attentions beyond
 * RELATIVE_TOLERANCE, SPLADE weights beyond SPLADE_ABS_TOLERANCE (the fixtures' tolerances).
 * Needs /usr/bin/python3 with torch (SPLADE_LIVE_PARITY=1 runs).
 */
export async function liveTorchFailures(
  script: string, dir: string, tmp: string,
  rows: { input_ids: number[][]; attention_mask: number[][] }, backend?: Backend,
): Promise<string[]> {
  writeFileSync(join(tmp, 'ids.json'), JSON.stringify(rows));
  execFileSync('/usr/bin/python3', [script, 'run', dir, join(tmp, 'ids.json'), join(tmp, 'torch.safetensors')], { env: { ...process.env, OMP_NUM_THREADS: '1' } });
  const torch = await readSafetensorsFile(join(tmp, 'torch.safetensors'));
  const encoder = await SpladeEncoder.fromPretrained(dir, backend ? { backend } : {});
  try {
    const out = await encoder.model.forward(bertInputFromRows(rows, encoder.model.sizes), { splade: true, outputHiddenStates: true, outputAttentions: true });
    const failures: string[] = [];
    const dense = [...out.hiddenStates!.map((t, i) => [`hidden_states.${i}`, t] as const), ...out.attentions!.map((t, i) => [`attentions.${i}`, t] as const)];
    for (const [name, tensor] of dense) {
      const rel = relativeDiff(tensor.data, torch.float32(name));
      if (!(rel <= RELATIVE_TOLERANCE)) failures.push(`${name}: relative difference ${rel.toExponential(2)} > ${RELATIVE_TOLERANCE}`);
    }
    const abs = maxAbsDiff(out.splade!.data, torch.float32('splade'));
    if (!(abs <= SPLADE_ABS_TOLERANCE)) failures.push(`splade: max abs difference ${abs.toExponential(2)} > ${SPLADE_ABS_TOLERANCE}`);
    return failures;
  } finally {
    encoder.dispose();
  }
}
