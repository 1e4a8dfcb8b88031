// Which compact-weight engine goes with a float32 engine: the WebAssembly one shares the
// float32 engine's memory and threads; anything else gets the TypeScript one.
import { TypeScriptCompactGemm, type CompactGemm } from './compact-gemm.js';
import type { GemmEngine } from './gemm.js';
import { WasmCompactGemm } from './wasm-compact-gemm.js';
import { WasmGemm } from './wasm-gemm.js';

export function compactGemmFor(engine: GemmEngine): CompactGemm {
  return engine instanceof WasmGemm ? new WasmCompactGemm(engine) : new TypeScriptCompactGemm();
}
