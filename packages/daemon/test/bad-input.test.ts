// Bad input never loses flags. For each case: no generation is published, ONE
// clear error is logged (file:line:col or JSON path), /readyz's body and a metric report it,
// and fixing the file recovers at once. A source missing at startup is not fatal.
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  atomicWrite,
  flagsDoc,
  isGeneration,
  isProblem,
  startTestDaemon,
  tempDir,
} from './helpers/harness.js';
import type { TestDaemon } from './helpers/harness.js';

let t: TestDaemon | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const errorLogs = () => t!.logs.filter((l) => l.level === 50).map((l) => String(l.msg));

interface Case {
  name: string;
  file?: string;
  /** Breaks the file; returns nothing. */
  breakIt: (path: string) => void;
  code: 'INVALID' | 'MISSING' | 'UNREADABLE';
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'truncated JSON',
    breakIt: (p) => atomicWrite(p, flagsDoc({ a: 'off' }).slice(0, 50)),
    code: 'INVALID',
    message: /flags\.json:\d+:\d+: error/,
  },
  {
    name: 'JSON syntax error (a trailing comma) with line and column',
    breakIt: (p) =>
      atomicWrite(
        p,
        '{\n  "flags": {\n    "a": {"state": "ENABLED", "variants": {"on": true},},\n  }\n}\n',
      ),
    code: 'INVALID',
    message: /flags\.json:3:\d+: error/,
  },
  {
    name: 'invalid YAML',
    file: 'flags.yaml',
    breakIt: (p) =>
      atomicWrite(p, 'flags:\n  a: {state: ENABLED, variants: [on: true\n    bad: : :\n'),
    code: 'INVALID',
    message: /flags\.yaml:\d+:\d+: error/,
  },
  {
    name: 'strict validation: defaultVariant not among the variants (JSON path)',
    breakIt: (p) =>
      atomicWrite(p, flagsDoc({ a: { variants: { on: true }, defaultVariant: 'missing' } })),
    code: 'INVALID',
    message: /flags\.a\.defaultVariant/,
  },
  {
    name: 'no flags key',
    breakIt: (p) => atomicWrite(p, '{"flag": {}}\n'),
    code: 'INVALID',
    message: /flags\.json/,
  },
  {
    name: 'empty file',
    breakIt: (p) => writeFileSync(p, ''),
    code: 'INVALID',
    message: /flags\.json/,
  },
  {
    name: 'deleted for good',
    breakIt: (p) => unlinkSync(p),
    code: 'MISSING',
    message: /flags\.json: no such file or directory/,
  },
  {
    name: 'unreadable (a symlink loop)',
    breakIt: (p) => {
      unlinkSync(p);
      symlinkSync(p, p);
    },
    code: 'UNREADABLE',
    message: /flags\.json: cannot read/,
  },
];

describe('bad input keeps the last good flags', () => {
  test.each(cases)('$name', async ({ file = 'flags.json', breakIt, code, message }) => {
    const dir = tempDir();
    const path = join(dir, file);
    writeFileSync(path, flagsDoc({ a: 'on', b: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${path}`], watch: { settleMs: 30 } });
    const from = t.events.length;
    breakIt(path);
    const problem = await t.waitFor(isProblem, from);
    expect(problem.problem.code).toBe(code);
    expect(problem.problem.message).toMatch(message);
    // Nothing was published and the last good flags are still served.
    expect(t.events.slice(from).filter(isGeneration)).toEqual([]);
    expect(t.daemon.generation()!.number).toBe(1);
    expect(t.daemon.generation()!.flags.map((m) => m.flag.key)).toEqual(['a', 'b']);
    // One clear error line, naming the file.
    expect(errorLogs()).toHaveLength(1);
    expect(errorLogs()[0]).toMatch(message);
    // /readyz stays 200 (the source has applied a valid configuration) and names the problem.
    const readyz = await t.readyz();
    expect(readyz.status).toBe(200);
    expect(readyz.body.sources[0]).toMatchObject({ ready: true, error: { code } });
    expect(readyz.body.sources[0]!.error!.message).toMatch(message);
    expect(await t.metrics()).toMatch(
      new RegExp(
        `switchyard_source_load_errors_total\\{source="${path.replace(/[/.]/g, '\\$&')}",code="${code}"\\} 1`,
      ),
    );
    // Fixing the file recovers at once.
    const next = t.nextGeneration();
    if (code === 'UNREADABLE') unlinkSync(path);
    atomicWrite(path, flagsDoc({ a: 'off', b: 'on' }));
    const g = await next;
    expect(g.number).toBe(2);
    expect(g.changes).toEqual({ added: [], changed: ['a'], removed: [] });
    expect((await t.readyz()).body.sources[0]!.error).toBeUndefined();
    expect(t.logs.some((l) => String(l.msg).includes('recovered'))).toBe(true);
  });

  test('a directory keeps the last good flags of a bad file and serves the others', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
    writeFileSync(join(dir, 'b.json'), flagsDoc({ b: 'on' }));
    t = await startTestDaemon({ dir, watch: { settleMs: 30 } });
    const from = t.events.length;
    writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'off' }));
    writeFileSync(join(dir, 'b.json'), '{"flags": {"b": ');
    const problem = await t.waitFor(isProblem, from);
    expect(problem.problem.message).toMatch(/b\.json:1:\d+: error/);
    expect(problem.problem.entry).toBe(join(dir, 'b.json'));
    // a.json's edit is served; b.json keeps its last good flags.
    const g = t.daemon.generation()!;
    expect(g.flags.map((m) => [m.flag.key, m.flag.defaultVariant])).toEqual([
      ['a', 'off'],
      ['b', 'on'],
    ]);
    expect(
      t.events
        .slice(from)
        .filter(isGeneration)
        .map((e) => e.generation.changes),
    ).toEqual([{ added: [], changed: ['a'], removed: [] }]);
  });

  test('start-up with one invalid file of three: generation 1 serves the other two, /readyz names the third', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
    writeFileSync(join(dir, 'b.json'), '{"flags": {"b": ');
    writeFileSync(join(dir, 'c.json'), flagsDoc({ c: 'on' }));
    t = await startTestDaemon({ dir });
    expect(t.generations.map((g) => [g.number, g.flags.map((m) => m.flag.key)])).toEqual([
      [1, ['a', 'c']],
    ]);
    const readyz = await t.readyz();
    expect(readyz.status).toBe(200);
    expect(readyz.body.sources[0]).toMatchObject({ ready: true, error: { code: 'INVALID' } });
    expect(readyz.body.sources[0]!.error!.message).toMatch(/b\.json:1:\d+: error/);
    expect(errorLogs()).toEqual([expect.stringMatching(/b\.json:1:\d+: error/)]);
  });

  test('a single-file source renamed over by a link to /dev/null keeps its flags (NOT_REGULAR)', async () => {
    const dir = tempDir();
    const path = join(dir, 'flags.json');
    writeFileSync(path, flagsDoc({ a: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${path}`], watch: { settleMs: 30 } });
    const from = t.events.length;
    symlinkSync('/dev/null', join(dir, '.incoming'));
    renameSync(join(dir, '.incoming'), path);
    const problem = await t.waitFor(isProblem, from);
    expect(problem.problem).toMatchObject({
      code: 'NOT_REGULAR',
      message: `${path}: not a regular file: a character device at /dev/null`,
    });
    expect(t.events.slice(from).filter(isGeneration)).toEqual([]);
    expect(t.daemon.generation()!.flags.map((m) => m.flag.key)).toEqual(['a']);
  });

  test('flags whose targeting cannot compile are still served, with a warning (as flagd does)', async () => {
    t = await startTestDaemon({
      files: {
        'flags.json': flagsDoc({
          ok: 'on',
          odd: { defaultVariant: 'on', targeting: { no_such_operator: [1] } },
          dangling: { defaultVariant: 'on', targeting: { if: [{ $ref: 'nowhere' }, 'on', 'off'] } },
        }),
      },
    });
    expect(t.daemon.generation()!.flags.map((m) => m.flag.key)).toEqual(['ok', 'odd', 'dangling']);
    const warning = t.logs.find((l) => l.level === 40);
    expect(String(JSON.stringify(warning))).toMatch(/no_such_operator|odd/);
    expect(errorLogs()).toEqual([]);
  });

  test('a source missing at startup: not ready (412 naming it), then picked up when it appears', async () => {
    const dir = tempDir();
    const path = join(dir, 'later.json');
    t = await startTestDaemon({ dir, sources: [`file:${path}`] });
    const readyz = await t.readyz();
    expect(readyz.status).toBe(412);
    expect(readyz.body).toMatchObject({
      ready: false,
      sources: [{ source: path, ready: false, error: { code: 'MISSING' } }],
    });
    expect(errorLogs()[0]).toMatch(
      /later\.json: no such file or directory.*waiting for it to appear/,
    );
    const next = t.nextGeneration();
    atomicWrite(path, flagsDoc({ a: 'on' }));
    expect((await next).changes.added).toEqual(['a']);
    await t.daemon.ready;
    expect((await t.readyz()).status).toBe(200);
  });

  test('a source whose directory does not exist yet is picked up when it is created', async () => {
    const dir = tempDir();
    const sub = join(dir, 'not-yet');
    t = await startTestDaemon({
      dir,
      sources: [`file:${sub}`, `file:${join(dir, 'x.json')}`],
      watch: {},
    });
    expect((await t.readyz()).status).toBe(412);
    const next = t.nextGeneration();
    mkdirSync(sub);
    writeFileSync(join(sub, 'f.json'), flagsDoc({ late: 'on' }));
    expect((await next).changes.added).toEqual(['late']);
    expect((await t.readyz()).status).toBe(412); // x.json is still missing
    // Now the directory itself is watched.
    const again = t.nextGeneration();
    atomicWrite(join(sub, 'f.json'), flagsDoc({ late: 'off' }));
    expect((await again).changes.changed).toEqual(['late']);
  });
});
