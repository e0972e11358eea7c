// Bad input never loses flags, and every fault is visible. For each case: no generation is
// published, ONE clear error is logged (file:line:col or JSON path), /readyz stays 200 with the
// degradation in its body, switchyard_source_healthy drops to 0 and the load-error counter counts
// it, and fixing the file recovers at once. Sources that are bad at start-up do not hold back the
// valid ones, and no generation of 0 flags is ever published for want of a valid file.
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import type { SourceProblem } from '@switchyard/sources';
import {
  atomicWrite,
  flagKeys,
  flagsDoc,
  isGeneration,
  isProblem,
  startTestDaemon,
  streamReader,
  tempDir,
} from './helpers/harness.js';
import type { TestDaemon } from './helpers/harness.js';

let t: TestDaemon | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const logsAt = (level: number) =>
  t!.logs.filter((l) => l.level === level).map((l) => String(l.msg));
/** The metric lines of `name` (without HELP/TYPE), sorted. */
async function metric(name: string): Promise<string[]> {
  return (await t!.metrics())
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .sort();
}
const iso = (problem: SourceProblem) => new Date(problem.since).toISOString();

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

describe('bad input keeps the last good flags, visibly', () => {
  test.each(cases)('$name', async ({ file = 'flags.json', breakIt, code, message }) => {
    const dir = tempDir();
    const path = join(dir, file);
    writeFileSync(path, flagsDoc({ a: 'on', b: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${path}`], watch: { settleMs: 30 } });
    const from = t.events.length;
    breakIt(path);
    const problem = await t.waitFor(isProblem, from);
    expect(problem).toMatchObject({ source: path, serving: true, problem: { code, entry: path } });
    expect(problem.problem.message).toMatch(message);
    // Nothing was published and the last good flags are still served.
    expect(t.events.slice(from).filter(isGeneration)).toEqual([]);
    expect(t.daemon.generation()!.number).toBe(1);
    expect(t.daemon.generation()!.flags.map((m) => m.flag.key)).toEqual(['a', 'b']);
    // One clear error line, naming the file and what is served meanwhile.
    expect(logsAt(50)).toEqual([
      `${problem.problem.message} (source ${path}: keeping the last good flags)`,
    ]);
    // /readyz stays 200: the daemon serves generation 1, which holds the last good content.
    expect(await t.readyz()).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        ready: true,
        generation: 1,
        sources: [
          {
            source: path,
            status: 'degraded',
            flags: 2,
            generation: 1,
            problems: [
              { entry: path, code, message: problem.problem.message, since: iso(problem.problem) },
            ],
            ruleErrors: [],
          },
        ],
      },
    });
    const source = `source="${path}"`;
    expect(await metric('switchyard_source_healthy')).toEqual([
      `switchyard_source_healthy{${source}} 0`,
    ]);
    expect(await metric('switchyard_source_ready')).toEqual([
      `switchyard_source_ready{${source}} 1`,
    ]);
    expect(await metric('switchyard_source_load_errors_total')).toEqual([
      `switchyard_source_load_errors_total{${source},code="${code}"} 1`,
    ]);
    // Fixing the file recovers at once.
    const next = t.nextGeneration();
    if (code === 'UNREADABLE') unlinkSync(path);
    atomicWrite(path, flagsDoc({ a: 'off', b: 'on' }));
    const g = await next;
    expect(g.number).toBe(2);
    expect(g.changes).toEqual({ added: [], changed: ['a'], removed: [] });
    expect((await t.readyz()).body).toEqual({
      status: 'ok',
      ready: true,
      generation: 2,
      sources: [
        { source: path, status: 'ok', flags: 2, generation: 2, problems: [], ruleErrors: [] },
      ],
    });
    expect(await metric('switchyard_source_healthy')).toEqual([
      `switchyard_source_healthy{${source}} 1`,
    ]);
    expect(logsAt(30)).toContain(`source ${path}: ${path} recovered`);
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
    expect(problem.problem.entry).toBe(join(dir, 'b.json'));
    expect(problem.problem.message).toMatch(/b\.json:1:\d+: error/);
    // a.json's edit is served; b.json keeps its last good flags.
    expect(t.daemon.generation()!.flags.map((m) => [m.flag.key, m.flag.defaultVariant])).toEqual([
      ['a', 'off'],
      ['b', 'on'],
    ]);
    const changes = t.events
      .slice(from)
      .filter(isGeneration)
      .map((e) => e.generation.changes);
    expect(changes).toEqual([{ added: [], changed: ['a'], removed: [] }]);
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
    expect((await t.readyz()).body.sources[0]).toMatchObject({
      status: 'degraded',
      problems: [{ code: 'NOT_REGULAR', entry: path }],
    });
  });
});

describe('flags served with an isolated rule error', () => {
  const odd = { defaultVariant: 'on', targeting: { no_such_operator: [1] } };
  const dangling = { defaultVariant: 'on', targeting: { if: [{ $ref: 'nowhere' }, 'on', 'off'] } };

  test('are served as flagd serves them, logged as errors once, counted and listed in /readyz', async () => {
    t = await startTestDaemon({ files: { 'flags.json': flagsDoc({ ok: 'on', odd, dangling }) } });
    const source = t.dir;
    expect(t.daemon.generation()!.flags.map((m) => m.flag.key)).toEqual(['ok', 'odd', 'dangling']);
    expect(logsAt(40)).toEqual([]);
    const [line, ...others] = logsAt(50);
    expect(others).toEqual([]);
    expect(line).toMatch(
      /^2 flag\(s\) served with a rule error, evaluating to PARSE_ERROR as in flagd \(the other flags are unaffected\): odd \(.+\): .*no_such_operator.*; dangling \(.+\): .*nowhere/,
    );
    const labels = `source="${source}"`;
    expect(await metric('switchyard_flags_with_rule_errors')).toEqual([
      `switchyard_flags_with_rule_errors{${labels}} 2`,
    ]);
    expect(await metric('switchyard_flag_rule_errors_total')).toEqual([
      `switchyard_flag_rule_errors_total{${labels}} 2`,
    ]);
    expect((await t.readyz()).body.sources[0]).toMatchObject({
      status: 'ok',
      ruleErrors: ['odd', 'dangling'],
    });
    // Fixing one: the gauge follows, the counter keeps what was served; an edit to the other
    // serves a new broken definition, counted again.
    let next = t.nextGeneration();
    atomicWrite(join(t.dir, 'flags.json'), flagsDoc({ ok: 'on', odd: 'on', dangling }));
    await next;
    next = t.nextGeneration();
    atomicWrite(
      join(t.dir, 'flags.json'),
      flagsDoc({ ok: 'off', odd: 'on', dangling: { ...dangling, defaultVariant: 'off' } }),
    );
    await next;
    expect(await metric('switchyard_flags_with_rule_errors')).toEqual([
      `switchyard_flags_with_rule_errors{${labels}} 1`,
    ]);
    expect(await metric('switchyard_flag_rule_errors_total')).toEqual([
      `switchyard_flag_rule_errors_total{${labels}} 3`,
    ]);
    expect(logsAt(50)).toHaveLength(2); // one more line, for generation 3's changed flag
    expect((await t.readyz()).body.sources[0]!.ruleErrors).toEqual(['dangling']);
  });
});

describe('start-up with bad sources', () => {
  test('one invalid file of three: the other two are served, the third is reported', async () => {
    const dir = tempDir();
    const [a, b, c] = ['a.json', 'b.json', 'c.json'].map((name) => join(dir, name));
    writeFileSync(a!, flagsDoc({ a: 'on' }));
    writeFileSync(b!, '{"flags": {"b": ');
    writeFileSync(c!, flagsDoc({ c: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${a}`, `file:${b}`, `file:${c}`] });
    const g = t.daemon.generation()!;
    expect({ number: g.number, sources: g.sources, keys: g.flags.map((m) => m.flag.key) }).toEqual({
      number: 1,
      sources: [a, c],
      keys: ['a', 'c'],
    });
    const published = t.logs.find((l) => String(l.msg).startsWith('published generation 1'))!;
    expect(published.msg).toBe(
      `published generation 1 from ${a}, ${c}: 2 added, 0 changed, 0 removed; not served (no usable content yet): ${b}`,
    );
    expect(published).toMatchObject({ flags: 2, notServed: [b] });
    // Problems of the first load are reported before startDaemon returns: read them back.
    const problem = t.daemon.status()[1]!.problems[0]!;
    expect(problem).toMatchObject({ code: 'INVALID', entry: b });
    expect(logsAt(50)).toEqual([
      `${problem.message} (source ${b}: none of its flags are served until it is fixed)`,
    ]);
    // Within the start-up grace the daemon is still starting; then it serves, degraded.
    await t.daemon.serving;
    expect(await t.readyz()).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        ready: true,
        generation: 1,
        sources: [
          { source: a, status: 'ok', flags: 1, generation: 1, problems: [], ruleErrors: [] },
          {
            source: b,
            status: 'unavailable',
            flags: 0,
            problems: [
              { entry: b, code: 'INVALID', message: problem.message, since: iso(problem) },
            ],
            ruleErrors: [],
          },
          { source: c, status: 'ok', flags: 1, generation: 1, problems: [], ruleErrors: [] },
        ],
      },
    });
    expect(await metric('switchyard_source_ready')).toEqual(
      [
        `switchyard_source_ready{source="${a}"} 1`,
        `switchyard_source_ready{source="${b}"} 0`,
        `switchyard_source_ready{source="${c}"} 1`,
      ].sort(),
    );
    // Fixed: its flags join, and the daemon is complete.
    const next = t.nextGeneration();
    atomicWrite(b!, flagsDoc({ b: 'on' }));
    expect((await next).changes.added).toEqual(['b']);
    await t.daemon.ready;
    expect((await t.readyz()).body.status).toBe('ok');
  });

  test('within the start-up grace /readyz says starting (412), so no client is answered early', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
    t = await startTestDaemon({
      dir,
      sources: [`file:${join(dir, 'a.json')}`, `file:${join(dir, 'b.json')}`],
      startupGateMs: 60_000,
    });
    const readyz = await t.readyz();
    expect(readyz.status).toBe(412);
    expect(readyz.body).toMatchObject({ status: 'starting', ready: false, generation: 1 });
  });

  test('no source usable: nothing is published (no "0 flags" generation); 412 until one appears', async () => {
    const dir = tempDir();
    const path = join(dir, 'later.json');
    t = await startTestDaemon({ dir, sources: [`file:${path}`] });
    expect(t.daemon.generation()).toBeUndefined();
    expect(t.logs.filter((l) => String(l.msg).startsWith('published'))).toEqual([]);
    const problem = t.daemon.status()[0]!.problems[0]!;
    expect(logsAt(50)).toEqual([
      `${path}: no such file or directory (ENOENT) (source ${path}: waiting for it to appear)`,
    ]);
    await t.daemon.serving;
    expect(await t.readyz()).toEqual({
      status: 412,
      body: {
        status: 'unavailable',
        ready: false,
        generation: 0,
        sources: [
          {
            source: path,
            status: 'unavailable',
            flags: 0,
            problems: [
              { entry: path, code: 'MISSING', message: problem.message, since: iso(problem) },
            ],
            ruleErrors: [],
          },
        ],
      },
    });
    // Clients are told nothing rather than "there are no flags": FetchAllFlags is UNAVAILABLE
    // (retried), and a SyncFlags stream's first message is the first real generation.
    const fetched = await new Promise<ServiceError | null>((resolve) =>
      t!
        .syncClient()
        .fetchAllFlags(
          { $typeName: 'flagd.sync.v1.FetchAllFlagsRequest', providerId: '', selector: '' },
          new Metadata(),
          {},
          (error) => resolve(error),
        ),
    );
    expect(fetched).toMatchObject({ code: status.UNAVAILABLE });
    const stream = streamReader(
      t.syncClient().syncFlags({
        $typeName: 'flagd.sync.v1.SyncFlagsRequest',
        providerId: '',
        selector: '',
      }),
    );
    const next = t.nextGeneration();
    atomicWrite(path, flagsDoc({ a: 'on' }));
    const g = await next;
    expect({ number: g.number, added: g.changes.added }).toEqual({ number: 1, added: ['a'] });
    expect(flagKeys(await stream.next())).toEqual(['a']);
    await t.daemon.ready;
    expect((await t.readyz()).status).toBe(200);
  });

  test('a source whose directory does not exist yet is picked up when it is created', async () => {
    const dir = tempDir();
    const sub = join(dir, 'not-yet');
    const x = join(dir, 'x.json');
    t = await startTestDaemon({ dir, sources: [`file:${sub}`, `file:${x}`], watch: {} });
    await t.daemon.serving;
    expect((await t.readyz()).body.status).toBe('unavailable');
    const next = t.nextGeneration();
    mkdirSync(sub);
    writeFileSync(join(sub, 'f.json'), flagsDoc({ late: 'on' }));
    expect((await next).changes.added).toEqual(['late']);
    // x.json is still missing: served, degraded.
    const readyz = await t.readyz();
    expect(readyz.status).toBe(200);
    expect(readyz.body.sources.map((s) => s.status)).toEqual(['ok', 'unavailable']);
    // Now the directory itself is watched.
    const again = t.nextGeneration();
    atomicWrite(join(sub, 'f.json'), flagsDoc({ late: 'off' }));
    expect((await again).changes.changed).toEqual(['late']);
  });
});
