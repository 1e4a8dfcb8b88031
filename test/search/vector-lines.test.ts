// The vectors lines `splade index` and `splade search --query-vectors` read: what cannot be
// read back exactly is refused, naming the line and the field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VectorLineError, parseVectorLine } from '../../src/search/vector-lines.js';

function refused(line: string, message: RegExp): void {
  try {
    parseVectorLine(line, 'v.jsonl line 4');
  } catch (error) {
    assert.instance(error, VectorLineError);
    assert.match((error as Error).message, message);
    return;
  }
  assert.unreachable(`accepted ${line}`);
}

test('numeric ids become their decimal text; one past 2^53 (rounded by JSON.parse) is refused', () => {
  assert.is(parseVectorLine('{"id": 9007199254740991, "indices": [], "values": []}', 'v').id, '9007199254740991');
  assert.is(parseVectorLine('{"id": -7, "indices": [], "values": []}', 'v').id, '-7');
  // 12345678901234567891 parses to 12345678901234567000: another document's id, silently.
  refused('{"id": 12345678901234567891, "indices": [], "values": []}', /^v\.jsonl line 4: "id" 12345678901234567000 is a number outside ±\(2\^53 - 1\), which JSON readers round: write it as a string$/);
  refused('{"id": 1e21, "indices": [], "values": []}', /"id" 1e\+21 is a number outside ±\(2\^53 - 1\)/);
});

test('weights must be finite float32s, named by position and value as written', () => {
  refused('{"id": "a", "indices": [1, 2], "values": [1, 1e999]}', /^v\.jsonl line 4: values\[1\] = Infinity is not a finite number$/);
  refused('{"id": "a", "indices": [1], "values": [1e39]}', /^v\.jsonl line 4: values\[0\] = 1e\+39 is outside the float32 range$/);
  assert.equal([...parseVectorLine('{"id": "a", "indices": [1], "values": [3.4028234e38]}', 'v').vector.values], [3.4028234663852886e38]);
});

test.run();
