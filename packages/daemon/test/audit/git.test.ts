// When a source file is in a git work tree, its entry records HEAD, whether the
// file differs from HEAD (`dirty`) and the last commit that touched it with its author.
// The committed edit is made deterministic: the commit is created first from the index (the
// work tree still holds the old text, so nothing is published), then the work tree is brought
// to the committed text, so the daemon publishes exactly when HEAD already is the new commit.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite, flagsDoc, startTestDaemon, tempDir } from '../helpers/harness.js';
import type { TestDaemon } from '../helpers/harness.js';
import { entryFor, git, initRepo } from './helpers.js';

let t: TestDaemon | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/;

describe('audit trail: git commit and author', () => {
  test('commit sha, author and dirty state of the source file', async () => {
    const dir = tempDir();
    const repository = realpathSync(dir);
    initRepo(dir, 'Ada Lovelace', 'ada@example.com');
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    git(dir, 'add', 'flags.json');
    git(dir, 'commit', '-q', '-m', 'add flag a');
    const first = git(dir, 'rev-parse', 'HEAD');

    t = await startTestDaemon({ dir, sources: ['file:flags.json'] });
    expect((await entryFor(t.daemon, 1)).git).toEqual([
      {
        source: 'flags.json',
        repository,
        head: first,
        dirty: false,
        commit: {
          sha: first,
          author: 'Ada Lovelace',
          email: 'ada@example.com',
          time: expect.stringMatching(ISO),
        },
      },
    ]);

    // Grace commits a change (HEAD moves, the work tree still has the old text: no generation).
    const next = flagsDoc({ a: 'off' });
    const blob = join(tempDir(), 'next.json');
    writeFileSync(blob, next);
    const sha = git(dir, 'hash-object', '-w', blob);
    git(dir, 'update-index', '--cacheinfo', `100644,${sha},flags.json`);
    git(
      dir,
      '-c',
      'user.name=Grace Hopper',
      '-c',
      'user.email=grace@example.com',
      'commit',
      '-q',
      '-m',
      'turn a off',
    );
    const second = git(dir, 'rev-parse', 'HEAD');
    expect(t.generations).toHaveLength(1);
    atomicWrite(file, next); // the work tree catches up, as after a pull
    const e2 = await entryFor(t.daemon, 2);
    expect(e2.changed.map((c) => [c.key, c.fields])).toEqual([['a', ['defaultVariant']]]);
    expect(e2.git).toEqual([
      {
        source: 'flags.json',
        repository,
        head: second,
        dirty: false,
        commit: {
          sha: second,
          author: 'Grace Hopper',
          email: 'grace@example.com',
          time: expect.stringMatching(ISO),
        },
      },
    ]);

    expect(t.logs.find((l) => (l.audit as { generation?: number })?.generation === 2)?.msg).toBe(
      `audit: generation 2 ${e2.hash.slice(0, 19)}: 0 added, 1 changed, 0 removed; flags.json at ${second.slice(0, 12)}, last changed in ${second.slice(0, 12)} by Grace Hopper`,
    );

    // An uncommitted edit: same HEAD and last commit, but dirty.
    atomicWrite(file, flagsDoc({ a: 'off', b: 'on' }));
    const e3 = await entryFor(t.daemon, 3);
    expect(e3.added.map((f) => f.key)).toEqual(['b']);
    expect(e3.git).toEqual([
      expect.objectContaining({ head: second, dirty: true, commit: e2.git[0]!.commit }),
    ]);
  });

  test('a directory source: the last commit under it; an untracked file makes it dirty', async () => {
    const dir = tempDir();
    initRepo(dir, 'Ada Lovelace', 'ada@example.com');
    mkdirSync(join(dir, 'flags'));
    writeFileSync(join(dir, 'flags', 'a.json'), flagsDoc({ a: 'on' }));
    writeFileSync(join(dir, 'README.md'), 'not a flag file\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'flags');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'a later commit that touches no flag');
    const head = git(dir, 'rev-parse', 'HEAD');
    const flagsCommit = git(dir, 'rev-parse', 'HEAD~1');
    t = await startTestDaemon({ dir, sources: ['file:flags'] });
    expect((await entryFor(t.daemon, 1)).git).toEqual([
      expect.objectContaining({
        source: 'flags',
        head,
        dirty: false,
        commit: expect.objectContaining({ sha: flagsCommit, author: 'Ada Lovelace' }),
      }),
    ]);
    atomicWrite(join(dir, 'flags', 'b.json'), flagsDoc({ b: 'on' }));
    expect((await entryFor(t.daemon, 2)).git).toEqual([
      expect.objectContaining({ source: 'flags', head, dirty: true }),
    ]);
  });

  test('a file outside any work tree, or in a repository without commits, has no git field', async () => {
    const dir = tempDir();
    initRepo(dir, 'Ada Lovelace', 'ada@example.com'); // no commit yet
    writeFileSync(join(dir, 'flags.json'), flagsDoc({ a: 'on' }));
    const plain = tempDir();
    writeFileSync(join(plain, 'other.json'), flagsDoc({ b: 'on' }));
    t = await startTestDaemon({
      dir,
      sources: ['file:flags.json', `file:${join(plain, 'other.json')}`],
    });
    const e1 = await entryFor(t.daemon, 1);
    expect(e1.sources).toEqual(['flags.json', join(plain, 'other.json')]);
    expect(e1.git).toEqual([]);
    const why = t.logs.map((l) => String(l.msg)).filter((m) => m.startsWith('audit: no git state'));
    expect(why).toHaveLength(2); // resolved in parallel: either order
    expect(why).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/flags\.json: fatal: .*HEAD/),
        expect.stringMatching(/other\.json: fatal: not a git repository/),
      ]),
    );
  });
});
