#!/usr/bin/env node
// Runs one of core's TypeScript programs, `bench/main.ts` or `fuzz/main.ts`: transpiles src/ and
// that directory to ESM with @swc/core (no type checking; `tsc` does that) under
// node_modules/.cache (ignored by git and biome, and dependencies still resolve from there),
// then runs <dir>/main.js with the remaining arguments.
// Usage: pnpm --filter @switchyard/core bench [-- --readme] [-- --quick]
//        pnpm --filter @switchyard/core fuzz [-- --runs N] [-- --seed S]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const program = process.argv[2];
if (program !== 'bench' && program !== 'fuzz') {
  process.stderr.write('usage: node scripts/run-ts.mjs bench|fuzz [args]\n');
  process.exit(2);
}
const out = join(pkg, 'node_modules', '.cache', `switchyard-${program}`);
rmSync(out, { recursive: true, force: true });

/**
 * The engine before the evaluation budget, for the bench's "budget cost" column: core's sources
 * at BUDGET_BASELINE, taken from git into <out>/baseline/src. Skipped (with a note) where git or
 * the commit is missing, e.g. in a shallow clone.
 */
const BUDGET_BASELINE = 'df70f0e';

function extractBaseline() {
  const tmp = join(out, 'baseline-ts');
  mkdirSync(tmp, { recursive: true });
  const archive = spawnSync('git', ['archive', BUDGET_BASELINE, 'src'], {
    cwd: pkg,
    maxBuffer: 64 << 20,
  });
  if (archive.status !== 0) {
    process.stderr.write(
      `bench: no baseline ${BUDGET_BASELINE} in git; the budget cost column is left out\n`,
    );
    return;
  }
  const untar = spawnSync('tar', ['-x', '-C', tmp], { input: archive.stdout });
  if (untar.status !== 0) return;
  transpile(join(tmp, 'src'), { from: tmp, to: join(out, 'baseline') });
}

function transpile(dir, where = { from: pkg, to: out }) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') transpile(path, where);
      continue;
    }
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const { code } = transformSync(readFileSync(path, 'utf8'), {
      filename: path,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    const target = join(where.to, relative(where.from, path)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
}

process.env.BENCH_PACKAGE_DIR = pkg;
process.env.BENCH_BUDGET_BASELINE = BUDGET_BASELINE;
transpile(join(pkg, 'src'));
transpile(join(pkg, program));
if (program === 'bench') extractBaseline();
// Package scope lookup stops at node_modules, so mark the output as ESM explicitly.
writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
await import(pathToFileURL(join(out, program, 'main.js')).href);
