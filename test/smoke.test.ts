import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VERSION } from '../src/index.js';

test('package exports a version', () => {
  assert.type(VERSION, 'string');
});

test.run();
