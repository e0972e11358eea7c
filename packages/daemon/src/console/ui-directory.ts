// Where the console's built browser assets are: dist/ui of this package (packages/daemon/ui/build.mjs
// writes them). From the CommonJS build (dist/cjs/console) and from the TypeScript sources (jest:
// src/console) they are found through __dirname; the ESM build has no __dirname, so the UI build
// replaces this module in dist/esm with one that resolves the same directory from import.meta.url.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The directory holding index.html and the bundles; undefined when the UI was not built. */
export function uiDirectory(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  // From src/console: ../../dist/ui; from dist/cjs/console: ../../ui (../../ui from src/console
  // is the UI's source folder, which has an index.html but no bundle).
  for (const candidate of [
    join(__dirname, '..', '..', 'dist', 'ui'),
    join(__dirname, '..', '..', 'ui'),
  ]) {
    if (existsSync(join(candidate, 'app.js'))) return candidate;
  }
  return undefined;
}
