// `splade serve` under load: clients sending one 12-token query a request over HTTP to a
// server in this process (createSpladeHandler + listen, as `splade serve` runs it), against
// the same queries encoded directly, one encode each (a server that did not join requests,
// without HTTP) and one encode for all (the most joining can give). Prints requests/s, the
// median latency, tokens/s and this process's peak RSS, for the dtype asked. The clients run in
// this process too, so their reading of the answers counts against the server.
//
//   npm run bench:serve                                   # int8; 1, 4 and 16 clients
//   npm run bench:serve -- --dtype f32 --clients 1,8 --requests 96
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { listen } from '../src/node/http-server.js';
import { SpladeEncoder } from '../src/node/splade-encoder.js';
import { createSpladeHandler } from '../src/serve/handler.js';
import type { WeightDType } from '../src/tensor/compact-weight.js';
import { benchModelDir, median } from './common.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    dtype: { type: 'string', default: 'int8' },
    clients: { type: 'string', default: '1,4,16' },
    requests: { type: 'string', default: '64' },
  },
});
const requests = Number(values.requests);
const clientCounts = values.clients.split(',').map(Number);
const words = ['atomic', 'energy', 'history', 'war', 'project', 'science', 'bomb', 'peace', 'world', 'legacy'];
/** Query i: a dozen tokens with [CLS] and [SEP], different words for different i. */
const query = (i: number): string => `what is the ${words[i % 10]} of ${words[(i * 3 + 1) % 10]} and ${words[(i * 7 + 2) % 10]} in ${1900 + i}`;
const queries = Array.from({ length: requests }, (_, i) => query(i));

interface Row {
  readonly mode: string;
  readonly latencies: number[];
  readonly seconds: number;
}

/** Each of `clients` loops over its share of the queries, one request at a time; all start together. */
async function overHttp(url: string, clients: number): Promise<Row> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let i = c; i < requests; i += clients) {
      const t = performance.now();
      const response = await fetch(`${url}/embed_sparse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: queries[i], query: true }) });
      if (response.status !== 200) throw new Error(`request ${i}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      latencies.push(performance.now() - t);
    }
  }));
  return { mode: `HTTP, ${clients} client${clients > 1 ? 's' : ''}`, latencies, seconds: (performance.now() - started) / 1000 };
}

async function direct(encoder: SpladeEncoder, joined: boolean): Promise<Row> {
  const latencies: number[] = [];
  const started = performance.now();
  if (joined) await encoder.encode(queries, { role: 'query' });
  else {
    for (const text of queries) {
      const t = performance.now();
      await encoder.encode([text], { role: 'query' });
      latencies.push(performance.now() - t);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { mode: joined ? 'direct, one encode for all' : 'direct, one encode each', latencies: joined ? [seconds * 1000] : latencies, seconds };
}

const model = await benchModelDir(values.model);
const encoder = await SpladeEncoder.fromPretrained(model, { dtype: values.dtype as WeightDType });
const server = await listen(createSpladeHandler(encoder), { host: '127.0.0.1', port: 0 });
const tokens = queries.reduce((sum, q) => sum + encoder.tokenCount(q, 'query'), 0);
const terms = (await encoder.encode(queries.slice(0, 8), { role: 'query' })).reduce((sum, v) => sum + v.indices.length, 0) / 8;
// Warm-up: every mode once, so the kernels and the server's paths are compiled.
await direct(encoder, false);
await direct(encoder, true);
for (const clients of clientCounts) await overHttp(server.url, clients);

const rows: Row[] = [await direct(encoder, false), await direct(encoder, true)];
for (const clients of clientCounts) rows.push(await overHttp(server.url, clients));
await server.close();
encoder.dispose();

console.log(`splade serve under load: ${requests} queries of ${(tokens / requests).toFixed(1)} tokens, ${values.dtype}, ${encoder.backendInfo.name}, ${model}`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${new Date().toISOString()}`);
console.log('| mode | requests/s | median latency ms | tokens/s |');
console.log('|---|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.mode} | ${(requests / row.seconds).toFixed(1)} | ${median(row.latencies).toFixed(1)} | ${(tokens / row.seconds).toFixed(0)} |`);
}
console.log(`peak RSS of this process (server and clients): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
// Each answer is JSON of every non-zero term: its cost (written here, read by the clients in
// the same process) grows with the terms, which random weights make far more of than training.
console.log(`terms per query vector: ${terms.toFixed(0)} (a trained SPLADE model's query has tens; the HTTP rows' JSON cost grows with them)`);
