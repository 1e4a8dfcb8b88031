// Runs the ```sh blocks of a Markdown file in order, in one bash (so exports carry over),
// from the repository root, stopping at the first failing command: docs whose commands are
// checked instead of trusted.
//
//   node --import tsx tools/run-doc-commands.ts docs/walkthrough.md
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = process.argv[2];
if (!file) {
  console.error('usage: node --import tsx tools/run-doc-commands.ts FILE.md');
  process.exit(2);
}
const blocks = [...readFileSync(file, 'utf8').matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
if (blocks.length === 0) {
  console.error(`${file}: no \`\`\`sh blocks`);
  process.exit(1);
}
const script = ['set -euo pipefail', ...blocks.map((block, i) => `echo "--- ${file}: block ${i + 1} of ${blocks.length}" >&2\n${block}`)].join('\n');
const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync('bash', ['-c', script], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`${file}: a command failed (exit ${result.status})`);
  process.exit(1);
}
console.error(`${file}: all ${blocks.length} blocks ran`);
