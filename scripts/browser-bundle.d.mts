// Types of scripts/browser-bundle.mjs, for the TypeScript tests and benchmarks that use it.
import type { Metafile } from 'esbuild';

export function buildBrowserBundle(
  outdir: string,
  options?: { minify?: boolean; sourcemap?: boolean; entryName?: string },
): Promise<Metafile>;
