#!/usr/bin/env node
// Builds the package in the current directory to real ESM (dist/esm) and real CommonJS
// (dist/cjs), each with its own .d.ts, by running tsc twice over the same sources.
// For the CommonJS pass a temporary src/package.json says "type": "commonjs", so tsc
// applies Node's own CommonJS rules (module node16) instead of a looser emulation.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const cwd = process.cwd();
const require = createRequire(join(cwd, 'package.json'));
const tsc = join(require.resolve('typescript/package.json'), '..', 'bin', 'tsc');
const run = (args) => execFileSync(process.execPath, [tsc, ...args], { stdio: 'inherit', cwd });

rmSync(join(cwd, 'dist'), { recursive: true, force: true });

run(['-p', 'tsconfig.build.json', '--outDir', 'dist/esm']);

const marker = join(cwd, 'src', 'package.json');
if (existsSync(marker))
  throw new Error(`${marker} exists; remove it (left by an interrupted build?)`);
writeFileSync(marker, '{ "type": "commonjs" }\n');
try {
  run([
    '-p',
    'tsconfig.build.json',
    '--outDir',
    'dist/cjs',
    '--module',
    'node16',
    '--moduleResolution',
    'node16',
    '--verbatimModuleSyntax',
    'false',
  ]);
} finally {
  rmSync(marker, { force: true });
}

for (const [dir, type] of [
  ['esm', 'module'],
  ['cjs', 'commonjs'],
]) {
  mkdirSync(join(cwd, 'dist', dir), { recursive: true });
  writeFileSync(join(cwd, 'dist', dir, 'package.json'), `${JSON.stringify({ type })}\n`);
}
