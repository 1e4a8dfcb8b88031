// Running an export format over records in memory, as `splade export` does, and reading back
// or refusing what it writes: shared by the export format tests.
import * as assert from 'uvu/assert';
import { ExportError, type ExportFormat, type ExportOptions, type ExportRecord } from '../../src/export/index.js';

/** The whole text a format writes for `input`: header, each record's text, finish. */
export function exportText(format: ExportFormat, options: ExportOptions, input: readonly ExportRecord[]): string {
  const writer = format.create(options);
  return writer.header() + input.map((record) => writer.add(record)).join('') + writer.finish();
}

/** Each line of `text` (which must end with a line break) parsed as JSON. */
export function jsonLines(text: string): unknown[] {
  assert.ok(text.endsWith('\n'));
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
}

/** Asserts that `fn` throws an ExportError whose message matches `message`. */
export function rejects(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, ExportError);
    assert.match((error as Error).message, message);
    return;
  }
  assert.unreachable(`expected an error matching ${message}`);
}
