#!/usr/bin/env node
// Builds the console's browser assets into dist/ui (part of the package build and tarball):
// ui/src/main.ts bundled and minified by esbuild into app.js (one file, no runtime dependency),
// ui/style.css and ui/index.html copied. Nothing is fetched at run time: the daemon serves these
// files itself, so the console works offline.
// The ESM build of src/console/ui-directory.ts is replaced by one that finds dist/ui from
// import.meta.url (the sources use __dirname, which only CommonJS has).
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ui = dirname(fileURLToPath(import.meta.url));
const pkg = join(ui, '..');
const out = join(pkg, 'dist', 'ui');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(ui, 'src', 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(ui, 'index.html'), join(out, 'index.html'));
copyFileSync(join(ui, 'style.css'), join(out, 'app.css'));
copyFileSync(join(ui, 'favicon.svg'), join(out, 'favicon.svg'));

const esm = join(pkg, 'dist', 'esm', 'console');
if (existsSync(esm)) {
  writeFileSync(
    join(esm, 'ui-directory.js'),
    `// Written by ui/build.mjs: the ESM build finds dist/ui from import.meta.url.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export function uiDirectory() {
  const dir = fileURLToPath(new URL('../../ui/', import.meta.url));
  return existsSync(new URL('../../ui/app.js', import.meta.url)) ? dir : undefined;
}
`,
  );
}
process.stdout.write(`console assets built in ${out}\n`);
