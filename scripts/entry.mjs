#!/usr/bin/env node
// The root npm scripts (`npm test`, `npm start`, `npm run bench`, `npm run soak`,
// `npm run fuzz`, `npm run test:conformance`) all come here, so that a fresh clone with only
// Node.js 20 and npm works: pnpm is bootstrapped through npx at the version pinned in
// package.json's `packageManager`, dependencies are installed from the lockfile, the packages
// are built, and then the command runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import schemas from './flagd-schemas.cjs';
import testbed from './flagd-testbed.cjs';

const { locateSchemas, describeSchemas } = schemas;
const { locateTestbed, describeTestbed } = testbed;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = manifest.packageManager.split('@')[1];
const ci = process.env.CI === 'true' || process.env.CI === '1';
const steps = [];
/** Test counts of every step that reports them, for the closing line CI reads. */
const totals = { passed: 0, failed: 0 };

function log(message) {
  process.stdout.write(`\n▶ ${message}\n`);
}

/** Runs a command with inherited output; returns its exit code (never throws). */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) {
    process.stderr.write(`${command}: ${result.error.message}\n`);
    return 1;
  }
  return result.status ?? 1;
}

/** Runs a named step, timing it; stops the whole command on failure. */
function step(name, fn) {
  log(name);
  const started = Date.now();
  const code = fn();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  steps.push({ name, code, seconds });
  if (code !== 0) {
    summary();
    process.stderr.write(`\n✖ ${name} failed (exit ${code})\n`);
    process.exit(code);
  }
}

function summary() {
  process.stdout.write('\nSummary\n');
  for (const s of steps) {
    process.stdout.write(`  ${s.code === 0 ? '✔' : '✖'} ${s.name.padEnd(40)} ${s.seconds}s\n`);
  }
  if (totals.passed + totals.failed > 0) {
    // The plain closing line CI reads.
    process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed\n`);
  }
}

/**
 * The flagd conformance suite and flag schemas, read in place (scripts/flagd-testbed.cjs,
 * scripts/flagd-schemas.cjs: the environment variable, else the git submodule, else ../shared).
 * Missing data fails the run at once: a conformance run that silently checks nothing is worse
 * than a red one. The directories found are passed on to every child through the environment.
 */
function requireReferenceData() {
  const found = [];
  try {
    const testbed = locateTestbed();
    const schemas = locateSchemas();
    process.env.FLAGD_TESTBED_DIR = testbed.dir;
    process.env.FLAGD_SCHEMAS_DIR = schemas.dir;
    found.push(describeTestbed(testbed), describeSchemas(schemas));
  } catch (error) {
    process.stderr.write(`✖ ${error.message}\n`);
    process.exit(1);
  }
  for (const line of found) process.stdout.write(`  ${line}\n`);
}

function pnpm(args, options) {
  const local = join(root, 'node_modules', '.bin', 'pnpm');
  if (existsSync(local)) return run(local, args, options);
  return run('npx', ['--yes', `pnpm@${pnpmVersion}`, ...args], options);
}

function install() {
  step('install dependencies (pnpm, frozen lockfile)', () =>
    pnpm(['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only']),
  );
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when some package's sources are newer than its CommonJS build (or it has none). */
function buildIsStale() {
  return ['core', 'protocol', 'sources', 'gitops', 'daemon', 'provider'].some((name) => {
    const pkg = join(root, 'packages', name);
    const built = join(pkg, 'dist', 'cjs', 'index.js');
    return !existsSync(built) || newestMtime(join(pkg, 'src')) > statSync(built).mtimeMs;
  });
}

function build() {
  step('build packages (ESM + CJS + .d.ts)', () =>
    pnpm(['-r', '--workspace-concurrency=1', 'run', 'build']),
  );
}

function jest(args, name) {
  const tmp = join(root, '.tmp');
  mkdirSync(tmp, { recursive: true });
  const results = join(tmp, `jest-${name}.json`);
  const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  // Always in worker processes, never in band (jest's choice on a 2-core machine outside CI):
  // a test that leaves a handle open then cannot keep `npm test` from exiting.
  const workers = [`--maxWorkers=${ci ? 2 : Math.max(2, availableParallelism() - 1)}`];
  step(`jest: ${name}`, () => {
    const code = run(process.execPath, [
      jestBin,
      ...workers,
      '--json',
      `--outputFile=${results}`,
      ...args,
    ]);
    if (existsSync(results)) {
      const r = JSON.parse(readFileSync(results, 'utf8'));
      totals.passed += r.numPassedTests;
      totals.failed += r.numFailedTests;
      process.stdout.write(
        `\n${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped\n`,
      );
    }
    return code;
  });
}

const command = process.argv[2];
const rest = process.argv.slice(3);

switch (command) {
  case 'test': {
    requireReferenceData();
    install();
    build();
    step('check generated code is current', () =>
      run(process.execPath, [join(root, 'scripts', 'check-generated.mjs')]),
    );
    step('typecheck (tsc --noEmit)', () => {
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      // The console's browser code has its own project (the DOM, no Node types).
      return (
        run(process.execPath, [tsc, '-p', 'tsconfig.json']) ||
        run(process.execPath, [tsc, '-p', join('packages', 'daemon', 'ui', 'tsconfig.json')])
      );
    });
    step('lint and format (biome)', () =>
      run(join(root, 'node_modules', '.bin', 'biome'), ['check', '--error-on-warnings', '.']),
    );
    jest(rest, 'all tests (packages, conformance, interop)');
    step('package tarballs (attw, ESM and CJS consumers)', () => {
      const counts = join(root, '.tmp', 'package-check.json');
      rmSync(counts, { force: true });
      const code = run(process.execPath, [join(root, 'scripts', 'check-packages.mjs')]);
      if (existsSync(counts)) {
        const c = JSON.parse(readFileSync(counts, 'utf8'));
        totals.passed += c.passed;
        totals.failed += c.failed;
      }
      return code;
    });
    summary();
    break;
  }
  case 'conformance': {
    requireReferenceData();
    install();
    build();
    jest(['test/conformance', ...rest], 'conformance');
    summary();
    break;
  }
  case 'soak': {
    // The fault-injection suite at length: 10,000 random file-system operations against a real
    // daemon (`npm run soak -- 50000` for more); it prints every violation it finds.
    install();
    build();
    process.env.SWITCHYARD_FAULT_OPS = rest[0] ?? '10000';
    jest(['test/fault-injection'], 'fault-injection soak');
    summary();
    break;
  }
  case 'start': {
    if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) install();
    if (buildIsStale()) build();
    // `npm start` → `switchyard start --uri file:flags`; `npm start -- --port 18013 -X env=dev`
    // adds start options to that (flags/ stays the source unless they name one); `npm start --
    // validate flags` runs another command. Decided by the CLI's own parser (cli/npm-start.ts).
    const { npmStartArgs } = require(join(root, 'packages/daemon/dist/cjs/cli/npm-start.js'));
    const args = npmStartArgs(rest, process.env);
    const child = spawnSync(
      process.execPath,
      [join(root, 'packages', 'daemon', 'bin', 'switchyard.cjs'), ...args],
      { stdio: 'inherit', cwd: root },
    );
    process.exit(child.status ?? (child.signal === 'SIGTERM' || child.signal === 'SIGINT' ? 0 : 1));
    break;
  }
  case 'pack': {
    // The packages as tarballs in packs/, for applications to install before they are on a
    // registry (README: "Use the packages from this repository"). pnpm pack rewrites the
    // workspace: ranges between them to their versions.
    if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) install();
    if (buildIsStale()) build();
    const packs = join(root, 'packs');
    rmSync(packs, { recursive: true, force: true });
    mkdirSync(packs);
    for (const name of readdirSync(join(root, 'packages')).sort()) {
      const dir = join(root, 'packages', name);
      if (!existsSync(join(dir, 'package.json'))) continue;
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.private) continue;
      step(`pack ${pkg.name}`, () =>
        pnpm(['pack', '--pack-destination', packs], {
          cwd: dir,
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
    }
    process.stdout.write(
      `\n${readdirSync(packs)
        .sort()
        .map((f) => `  packs/${f}`)
        .join('\n')}\n`,
    );
    break;
  }
  case 'bench': {
    install();
    build();
    for (const name of ['core', 'daemon', 'provider']) {
      const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
      if (pkg.scripts?.bench)
        step(`bench: ${pkg.name}`, () => pnpm(['--filter', pkg.name, 'run', 'bench', ...rest]));
    }
    summary();
    break;
  }
  case 'fuzz': {
    // A million generated rules and contexts against the evaluation budget's properties
    // (@switchyard/core fuzz/); `-- --runs N --seed S` for another count or a replay.
    install();
    step('fuzz: @switchyard/core evaluation budget', () =>
      pnpm(['--filter', '@switchyard/core', 'run', 'fuzz', ...rest]),
    );
    summary();
    break;
  }
  default:
    process.stderr.write(
      'usage: node scripts/entry.mjs test|conformance|start|pack|bench|soak|fuzz [args]\n',
    );
    process.exit(2);
}
