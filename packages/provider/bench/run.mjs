#!/usr/bin/env node
// Runs the provider benchmark (`pnpm --filter @switchyard/openfeature-provider bench [-- --readme]`).
// Transpiles the provider, core and protocol sources plus bench/ and test/support/ to CommonJS
// under bench/.tmp with @swc/core (type checking is tsc's job), maps @switchyard/* imports to
// those copies, and runs bench/main.js in a child process whose NODE_PATH finds each package's
// own dependencies. Measures the sources as they are, not a possibly stale dist build.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = join(pkg, '..');
const require = createRequire(join(packages, 'core', 'package.json'));
const { transformSync } = require('@swc/core');
const out = join(pkg, 'bench', '.tmp');
rmSync(out, { recursive: true, force: true });

const entry = (name) => join(out, name, 'src', 'index.js');
const aliases = {
  '@switchyard/core': entry('core'),
  '@switchyard/protocol': entry('protocol'),
  '@switchyard/sources': entry('sources'),
};

function transpile(from, to) {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const path = join(from, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.tmp' && e.name !== 'node_modules') transpile(path, join(to, e.name));
      continue;
    }
    if (!e.name.endsWith('.ts') || e.name.endsWith('.d.ts')) continue;
    let { code } = transformSync(readFileSync(path, 'utf8'), {
      filename: path,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      // ignoreDynamic keeps `await import('tinybench')` (an ESM-only package) as a real import.
      module: { type: 'commonjs', ignoreDynamic: true },
    });
    for (const [name, target] of Object.entries(aliases)) {
      code = code.replaceAll(`require("${name}")`, `require(${JSON.stringify(target)})`);
    }
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, e.name.replace(/\.ts$/, '.js')), code);
  }
}

for (const name of ['core', 'protocol', 'sources'])
  transpile(join(packages, name, 'src'), join(out, name, 'src'));
transpile(join(pkg, 'src'), join(out, 'provider', 'src'));
transpile(join(pkg, 'bench'), join(out, 'provider', 'bench'));
transpile(join(pkg, 'test', 'support'), join(out, 'provider', 'test', 'support'));
writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');

const nodePath = ['provider', 'core', 'protocol', 'sources'].map((n) =>
  join(packages, n, 'node_modules'),
);
const result = spawnSync(
  process.execPath,
  [join(out, 'provider', 'bench', 'main.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_PATH: nodePath.join(':'), BENCH_PACKAGE_DIR: pkg },
  },
);
rmSync(out, { recursive: true, force: true });
process.exit(result.status ?? 1);
