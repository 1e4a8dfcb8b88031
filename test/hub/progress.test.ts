// The progress reporter: a redrawn bar on a terminal, periodic plain lines otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatBytes, formatDuration, streamProgress } from '../../src/node/hub/progress.js';

function recorder(isTTY: boolean) {
  const written: string[] = [];
  let time = 0;
  const stream = { isTTY, columns: 200, write: (s: string) => written.push(s) };
  return { written, stream, now: () => time, advance: (ms: number) => (time += ms) };
}

test('sizes and durations read like the hub shows them', () => {
  assert.is(formatBytes(512), '512 B');
  assert.is(formatBytes(438_000_000), '438.0 MB');
  assert.is(formatDuration(42), '42s');
  assert.is(formatDuration(185), '3m05s');
  assert.is(formatDuration(3720), '1h02m');
  assert.is(formatDuration(Infinity), '?');
});

test('on a terminal: a bar redrawn in place with bytes, rate and ETA', () => {
  const r = recorder(true);
  const progress = streamProgress(r.stream, { now: r.now });
  progress.fileStarted('model.safetensors', 10_000_000, 0);
  r.advance(1000);
  progress.received(2_000_000);
  const line = r.written.at(-1) ?? '';
  assert.ok(line.startsWith('\r'), 'redraws the same line');
  assert.match(line, '2.0 MB / 10.0 MB');
  assert.match(line, '20%');
  assert.match(line, '2.0 MB/s');
  assert.match(line, 'ETA 4s');
  assert.match(line, '[#####');
  progress.fileDone('model.safetensors', 'downloaded');
  assert.match(r.written.at(-1) ?? '', /downloaded \(10\.0 MB\)\x1b\[K\n$/);
});

test('not a terminal: one plain line per interval, no control characters', () => {
  const r = recorder(false);
  const progress = streamProgress(r.stream, { now: r.now, plainIntervalMs: 5000 });
  progress.fileStarted('pytorch_model.bin', 1_000_000, 0);
  for (let i = 0; i < 10; i++) {
    r.advance(1000);
    progress.received(50_000);
  }
  progress.fileDone('pytorch_model.bin', 'downloaded');
  assert.is(r.written.length, 3, r.written.join(''));
  assert.is(r.written[0], 'pytorch_model.bin: 250.0 kB / 1.0 MB  25% 50.0 kB/s ETA 15s\n');
  assert.not.ok(r.written.join('').includes('\r'));
  // eslint-disable-next-line no-control-regex
  assert.not.ok(/\x1b/.test(r.written.join('')));
});

test('a resume says where it starts; the rate counts only new bytes', () => {
  const r = recorder(false);
  const progress = streamProgress(r.stream, { now: r.now, plainIntervalMs: 1000 });
  progress.fileStarted('model.safetensors', 1_000_000, 600_000);
  assert.is(r.written[0], 'model.safetensors: resuming at 600.0 kB\n');
  r.advance(1000);
  progress.received(100_000);
  assert.match(r.written[1] ?? '', '700.0 kB / 1.0 MB  70% 100.0 kB/s ETA 3s');
});

test.run();
