// Writes the WebAssembly kernels as files (kernels.wasm, kernels-shared.wasm), for runtimes
// that refuse to compile WebAssembly at run time (Cloudflare Workers, pages whose CSP lacks
// 'wasm-unsafe-eval'). The bytes come from src/tensor/wasm/kernel-module.ts, bundled in
// memory and run here: the very bytes the run-time path compiles. Shared by scripts/build.mjs
// and the tests, so the tests check what ships.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes the kernel files into `outdir`; resolves to their paths by file name. */
export async function writeKernelFiles(outdir) {
  const bundled = await build({
    entryPoints: ['src/tensor/wasm/kernel-module.ts'],
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const source = Buffer.from(bundled.outputFiles[0].contents).toString('base64');
  const kernels = await import(`data:text/javascript;base64,${source}`);
  mkdirSync(outdir, { recursive: true });
  const written = {};
  for (const { file, shared } of kernels.SHIPPED_KERNELS) {
    written[file] = join(outdir, file);
    writeFileSync(written[file], kernels.shippedKernelBytes(shared));
  }
  return written;
}
