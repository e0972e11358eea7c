// Where the console's built browser assets are: dist/ui of this package (packages/daemon/ui/build.mjs
// writes them). From the CommonJS build (dist/cjs/console) and from the TypeScript sources (jest:
// src/console) they are found through __dirname; the ESM build has no __dirname, so the UI build
// replaces this module in dist/esm with one that resolves the same directory from import.meta.url.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The directory holding index.html and the bundles; undefined when the UI was not built. */
export function uiDirectory(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  for (const candidate of [
    join(__dirname, '..', '..', 'ui'),
    join(__dirname, '..', '..', 'dist', 'ui'),
  ]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}
