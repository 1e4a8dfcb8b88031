// Types of scripts/browser-bundle.mjs, for the TypeScript tests and benchmarks that use it.
import type { Metafile } from 'esbuild';

export function buildBrowserBundle(
  outdir: string,
  options?: { minify?: boolean; sourcemap?: boolean; entryName?: string },
): Promise<Metafile>;

/** The subpath entries (name -> source file): `browser` for browsers and Node, `node` adds the Node-only ones. */
export const SUBPATHS: { readonly browser: Readonly<Record<string, string>>; readonly node: Readonly<Record<string, string>> };
