// Compares a `splade inspect` dump with inspect_reference.py's hf_outputs.safetensors: every
// tensor transformers returns (hidden_states.{i}, attentions.{i}, logits) within 1e-4
// relative (max abs difference / max abs value), the input ids exactly.
import { join } from 'node:path';
import { command as inspect } from '../../src/cli/commands/inspect.js';
import { readSafetensorsFile } from '../../src/node/safetensors-file.js';
import type { SafetensorsFile } from '../../src/formats/safetensors.js';
import { RELATIVE_TOLERANCE, relativeDiff } from './check-case.js';

/** Runs `splade inspect` in this process, its stderr note kept out of the test output. */
export async function runInspect(args: string[]): Promise<number> {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await inspect.run(args);
  } finally {
    process.stderr.write = write;
  }
}

/** Dumps the case's model on its inputs.json with hidden states, attentions and logits. */
export async function dumpCase(dir: string, out: string): Promise<SafetensorsFile> {
  await runInspect(['--model', dir, '--input-ids', join(dir, 'inputs.json'), '--hidden-states', '--attentions', '--logits', '--out', out]);
  return readSafetensorsFile(out);
}

/** The differences between the dump and the reference: empty when they match. */
export function compareWithReference(dump: SafetensorsFile, expected: SafetensorsFile, log?: (line: string) => void): string[] {
  const failures: string[] = [];
  const ours = dump.names().sort();
  const theirs = expected.names().sort();
  if (ours.join() !== theirs.join()) failures.push(`tensor names: [${ours.join(', ')}] vs torch [${theirs.join(', ')}]`);
  for (const name of theirs) {
    if (!dump.has(name)) continue;
    const a = dump.info(name)!;
    const b = expected.info(name)!;
    if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) {
      failures.push(`${name}: ${a.dtype} [${a.shape.join(', ')}] vs torch ${b.dtype} [${b.shape.join(', ')}]`);
      continue;
    }
    if (b.dtype === 'I64') {
      if (dump.typedArray(name, 'I64').join() !== expected.typedArray(name, 'I64').join()) failures.push(`${name}: values differ`);
      continue;
    }
    const rel = relativeDiff(dump.float32(name), expected.float32(name));
    log?.(`${name} [${b.shape.join(', ')}]: relative difference ${rel.toExponential(2)}`);
    if (!(rel <= RELATIVE_TOLERANCE)) failures.push(`${name}: relative difference ${rel.toExponential(2)} > ${RELATIVE_TOLERANCE}`);
  }
  return failures;
}
