#!/usr/bin/env node
// Runs one of core's TypeScript programs, `bench/main.ts` or `fuzz/main.ts`: transpiles src/ and
// that directory to ESM with @swc/core (no type checking; `tsc` does that) under
// node_modules/.cache (ignored by git and biome, and dependencies still resolve from there),
// then runs <dir>/main.js with the remaining arguments. For the bench it also builds the engine
// without the evaluation budget (see buildUnbudgeted). Needs no git history.
// Usage: pnpm --filter @switchyard/core bench [-- --readme] [-- --quick]
//        pnpm --filter @switchyard/core fuzz [-- --runs N] [-- --seed S]
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
 * The bench's "no budget" side: core's sources once more, under <out>/unbudgeted, with
 * targeting/budget.js re-exporting bench/no-budget.ts (a budget that charges and checks
 * nothing), so the budget's cost is measured against the same engine code in the same process.
 */
function buildUnbudgeted() {
  const to = join(out, 'unbudgeted');
  transpile(join(pkg, 'src'), { from: pkg, to });
  transpileFile(join(pkg, 'bench', 'no-budget.ts'), { from: pkg, to });
  writeFileSync(
    join(to, 'src', 'targeting', 'budget.js'),
    "export { BudgetExceeded, BudgetSite } from '../../bench/no-budget.js';\n",
  );
}

function transpile(dir, where = { from: pkg, to: out }) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') transpile(path, where);
      continue;
    }
    if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) transpileFile(path, where);
  }
}

function transpileFile(path, where) {
  const { code } = transformSync(readFileSync(path, 'utf8'), {
    filename: path,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  const target = join(where.to, relative(where.from, path)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
}

process.env.BENCH_PACKAGE_DIR = pkg;
transpile(join(pkg, 'src'));
transpile(join(pkg, program));
if (program === 'bench') buildUnbudgeted();
// Package scope lookup stops at node_modules, so mark the output as ESM explicitly.
writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
await import(pathToFileURL(join(out, program, 'main.js')).href);
