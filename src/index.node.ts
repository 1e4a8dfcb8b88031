// The Node front door: the browser-safe one (./index.ts) where a string location is also a
// folder path or a Hugging Face repo id. File-system and hub functions: splade-ts/node and
// splade-ts/hub.
export * from './index.js';
// Shadows the browser SpladeEncoder of './index.js': here a string location is a folder path.
export { SpladeEncoder } from './node/splade-encoder.js';
// Shadows the browser createBackend of './index.js': here the threads are worker_threads.
export { createBackend } from './node/backend.js';
