#!/usr/bin/env node
// Fails when generated code is not exactly what `buf generate` makes from its protos: the wire
// contracts (proto/ → packages/protocol/src/gen, `npm run generate`) and the OpenTelemetry
// collector messages the OTLP test receiver decodes with (test/support/otlp/proto →
// test/support/otlp/gen). Regenerates into a temporary directory and compares file lists and
// contents, so a stale or hand-edited generated file is caught even before it is committed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const protocol = join(root, 'packages', 'protocol');
const bin = join(protocol, 'node_modules', '.bin');

const TARGETS = [
  {
    cwd: protocol,
    input: '../../proto',
    committed: join(protocol, 'src', 'gen'),
    out: ['src', 'gen'],
    fix: 'Run `npm run generate` and commit the result.',
  },
  {
    cwd: join(root, 'test', 'support', 'otlp'),
    input: 'proto',
    committed: join(root, 'test', 'support', 'otlp', 'gen'),
    out: ['gen'],
    fix: 'Run `buf generate proto --template buf.gen.yaml` in test/support/otlp and commit the result.',
  },
];

function files(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(relative(dir, join(entry.parentPath ?? entry.path, entry.name)));
  }
  return found.sort();
}

function check(target) {
  const out = mkdtempSync(join(tmpdir(), 'switchyard-gen-'));
  try {
    execFileSync(
      join(bin, 'buf'),
      ['generate', target.input, '--template', 'buf.gen.yaml', '-o', out],
      {
        cwd: target.cwd,
        stdio: 'inherit',
        // buf finds the protoc-gen-es plugin on PATH.
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      },
    );
    const fresh = join(out, ...target.out);
    const expected = files(fresh);
    const actual = files(target.committed);
    const problems = [];
    for (const f of expected) {
      if (!actual.includes(f)) problems.push(`missing: ${f}`);
      else if (
        readFileSync(join(fresh, f), 'utf8') !== readFileSync(join(target.committed, f), 'utf8')
      ) {
        problems.push(`stale: ${f}`);
      }
    }
    for (const f of actual) if (!expected.includes(f)) problems.push(`not generated: ${f}`);
    if (problems.length > 0) {
      process.stderr.write(
        `Generated code in ${relative(root, target.committed)} is out of date:\n  ${problems.join('\n  ')}\n${target.fix}\n`,
      );
      return 0;
    }
    return expected.length;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const counts = TARGETS.map(check);
if (counts.includes(0)) process.exit(1);
process.stdout.write(`generated code is current (${counts.join(' + ')} files)\n`);
