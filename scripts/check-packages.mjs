#!/usr/bin/env node
// Proves the dual build on what users actually install: packs each package with pnpm (which
// rewrites workspace: ranges), checks the tarball's type resolution with attw under every
// resolution mode, installs the tarballs into a throw-away consumer project outside the
// workspace (offline, from the pnpm store), and imports each package from ESM and from CJS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** The public names each package must export, from both module systems. */
const packages = [
  { dir: 'core', exports: ['parseFlags', 'createSnapshot', 'evaluate', 'explain'] },
  {
    dir: 'protocol',
    exports: ['FlagSyncServiceDefinition', 'SyncFlagsResponseSchema', 'FlagSyncServiceClient'],
  },
  { dir: 'sources', exports: ['SOURCE_PROBLEM_CODES'] },
  { dir: 'gitops', exports: ['gitopsCommand', 'parseArgs', 'compareFlags', 'GitResolver'] },
  { dir: 'daemon', exports: ['startDaemon'] },
  { dir: 'provider', exports: ['SwitchyardProvider'] },
];

const work = mkdtempSync(join(tmpdir(), 'switchyard-packages-'));
const packs = join(work, 'packs');
mkdirSync(packs);
let failures = 0;

function sh(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function report(ok, message, detail = '') {
  process.stdout.write(`  ${ok ? '✔' : '✖'} ${message}\n${ok || !detail ? '' : `${detail}\n`}`);
  if (!ok) failures++;
}

try {
  const tarballs = {};
  for (const pkg of packages) {
    const dir = join(root, 'packages', pkg.dir);
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const before = new Set(readdirSync(packs));
    sh(bin('pnpm'), ['pack', '--pack-destination', packs], dir);
    const tgz = readdirSync(packs).find((f) => !before.has(f));
    tarballs[name] = join(packs, tgz);
    pkg.name = name;
    try {
      sh(bin('attw'), [tarballs[name], '--format', 'table-flipped'], root);
      report(
        true,
        `${name}: attw finds correct types for node10, node16 (CJS and ESM) and bundler`,
      );
    } catch (error) {
      report(false, `${name}: attw reports problems`, `${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }

  // A consumer outside the workspace; overrides make the tarballs satisfy each other's ranges.
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  const files = Object.fromEntries(Object.entries(tarballs).map(([n, p]) => [n, `file:${p}`]));
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      dependencies: {
        ...files,
        '@openfeature/server-sdk': '1.23.0',
        '@openfeature/core': '1.12.0',
      },
      pnpm: { overrides: files },
    }),
  );
  try {
    sh(bin('pnpm'), ['install', '--offline', '--ignore-workspace', '--reporter=silent'], consumer);
  } catch (_error) {
    // Fall back to the registry when the local store lacks something (e.g. a new machine).
    sh(
      bin('pnpm'),
      ['install', '--prefer-offline', '--ignore-workspace', '--reporter=silent'],
      consumer,
    );
  }

  for (const pkg of packages) {
    const names = JSON.stringify(pkg.exports);
    const cjs = `const m = require(${JSON.stringify(pkg.name)}); const missing = ${names}.filter((n) => !(n in m)); if (missing.length) { console.error('missing', missing); process.exit(1); }`;
    const esm = `const m = await import(${JSON.stringify(pkg.name)}); const missing = ${names}.filter((n) => !(n in m)); if (missing.length) { console.error('missing', missing); process.exit(1); }`;
    for (const [kind, code, args] of [
      ['CJS require', cjs, ['-e']],
      ['ESM import', esm, ['--input-type=module', '-e']],
    ]) {
      try {
        sh(process.execPath, [...args, code], consumer);
        report(
          true,
          `${pkg.name}: ${kind} from the installed tarball exports ${pkg.exports.join(', ')}`,
        );
      } catch (error) {
        report(false, `${pkg.name}: ${kind} failed`, `${error.stdout ?? ''}${error.stderr ?? ''}`);
      }
    }
  }
  const cli = sh(join(consumer, 'node_modules', '.bin', 'switchyard'), ['--help'], consumer);
  report(/start/.test(cli), 'switchyard bin from the installed tarball prints --help');
  // The console's browser assets ship in the daemon's tarball and are found from either build.
  const flagsFile = join(consumer, 'flags.json');
  writeFileSync(flagsFile, '{"flags":{}}');
  for (const [kind, load] of [
    ['CJS', `const { startDaemon } = require('@switchyard/daemon');`],
    ['ESM', `const { startDaemon } = await import('@switchyard/daemon');`],
  ]) {
    const code = `${load}
const d = await startDaemon({ sources: [${JSON.stringify(`file:${flagsFile}`)}], host: '127.0.0.1', syncPort: 0, managementPort: 0, logLevel: 'silent' });
const page = await fetch('http://127.0.0.1:' + d.ports.management + '/ui/app.js');
await d.close();
if (page.status !== 200) { console.error('GET /ui/app.js answered', page.status); process.exit(1); }`;
    try {
      sh(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          kind === 'CJS'
            ? `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/'); ${code}`
            : code,
        ],
        consumer,
      );
      report(
        true,
        `@switchyard/daemon: the console's assets are in the tarball and served (${kind} build)`,
      );
    } catch (error) {
      report(
        false,
        `@switchyard/daemon: the console is not served (${kind} build)`,
        `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
    }
  }
} catch (error) {
  report(false, 'package check could not run', String(error.stack ?? error));
} finally {
  rmSync(work, { recursive: true, force: true });
}

const counts = { passed: packages.length * 3 + 3 - failures, failed: failures };
// scripts/entry.mjs adds these to the closing test count.
mkdirSync(join(root, '.tmp'), { recursive: true });
writeFileSync(join(root, '.tmp', 'package-check.json'), JSON.stringify(counts));
process.stdout.write(`\npackages: ${counts.passed} passed, ${counts.failed} failed\n`);
process.exit(failures === 0 ? 0 : 1);
