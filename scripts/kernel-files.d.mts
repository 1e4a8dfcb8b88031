// Types of scripts/kernel-files.mjs, for the tests.
/** Writes kernels.wasm and kernels-shared.wasm into `outdir`; resolves to their paths by file name. */
export function writeKernelFiles(outdir: string): Promise<Record<string, string>>;
