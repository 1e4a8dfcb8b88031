/**
 * Most threads a multiply is split over: the WebAssembly engine's job records for this many
 * threads fit in its control block (wasm-gemm.ts). Its own file so that the backend options
 * can name the limit without importing the engine (which imports the Backend interface).
 */
export const MAX_THREADS = 32;
