// How many timed runs `npm run bench` takes of a workload (bench/measure.ts enoughRuns): at
// least --runs, and at least --min-seconds of runs in all, the time rule capped at MAX_RUNS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enoughRuns, MAX_RUNS } from '../../bench/measure.js';

/** Runs taken, each `ms` long, until enoughRuns says stop (a bound keeps a wrong rule from hanging). */
function runsTaken(ms: number, runs: number, minSeconds: number): number {
  const times: number[] = [];
  while (!enoughRuns(times, runs, minSeconds) && times.length < 10_000) times.push(ms);
  return times.length;
}

test('a short workload runs until min-seconds is reached', () => {
  assert.is(runsTaken(25, 5, 1), 40);
  assert.is(runsTaken(20, 5, 1), 50);
});

test('a long workload keeps --runs', () => {
  assert.is(runsTaken(3000, 5, 1), 5);
  assert.is(runsTaken(450, 5, 1), 5);
  assert.is(runsTaken(150, 5, 1), 7);
});

test('min-seconds 0 is --runs alone', () => {
  assert.is(runsTaken(1, 5, 0), 5);
  assert.is(runsTaken(1, 1, 0), 1);
});

test('the time rule stops at MAX_RUNS, but --runs is taken as asked', () => {
  assert.is(runsTaken(1, 5, 1), MAX_RUNS);
  assert.is(runsTaken(0, 5, 1), MAX_RUNS);
  assert.is(runsTaken(1, MAX_RUNS + 50, 1), MAX_RUNS + 50);
});

test.run();
