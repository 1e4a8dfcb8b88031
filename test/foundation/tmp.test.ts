// tempDir registers one exit listener however many folders it makes: one per folder passed
// Node's limit of 10 in a full test run and printed a MaxListenersExceededWarning.
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from './tmp.js';

test('twenty temporary folders add at most one exit listener', () => {
  const before = process.listenerCount('exit');
  const dirs = Array.from({ length: 20 }, (_, i) => tempDir(`listeners-${i}`));
  assert.ok(process.listenerCount('exit') - before <= 1, `${process.listenerCount('exit') - before} listeners added`);
  assert.is(new Set(dirs).size, 20);
  for (const dir of dirs) assert.ok(existsSync(dir));
});

test.run();
