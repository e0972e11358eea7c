// The audit's git state must not cost a git process per generation (each spawn blocks the event
// loop ~5 ms; README "Numbers", 100 streams): outside a work tree git runs once per directory and
// again only when a `.git` appears; in a repository HEAD is read from its files (loose ref,
// packed-refs, detached), `git log` runs only for a new HEAD, and one `git status` checks the
// dirty state. The processes are counted through the injectable runner, which runs real git.
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitResolver } from '../../src/audit/git-info.js';
import { execGit, type GitRunner } from '../../src/git/run-git.js';
import { flagsDoc, git, initRepo, tempDir } from './helpers.js';

function counting(): { run: GitRunner; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: (cwd, args) => {
      calls.push(args[0]!);
      return execGit(cwd, args);
    },
  };
}

test('outside a work tree: one git process for the first check, none after, again after git init', async () => {
  const dir = tempDir();
  const file = join(dir, 'flags.json');
  writeFileSync(file, flagsDoc({ a: 'on' }));
  const { run, calls } = counting();
  const debug: string[] = [];
  const resolver = new GitResolver((m) => debug.push(m), run);
  const sources = [{ source: 'flags.json', path: file }];

  expect(await resolver.resolve(sources)).toEqual([]);
  expect(calls).toEqual(['rev-parse']);
  for (let i = 0; i < 5; i++) expect(await resolver.resolve(sources)).toEqual([]);
  expect(calls).toEqual(['rev-parse']);
  // Every generation still says why there is no git state.
  expect(debug).toHaveLength(6);
  expect(new Set(debug).size).toBe(1);
  expect(debug[0]).toMatch(/flags\.json: fatal: not a git repository/);

  // A .git appears: asked again, and the source gets its git state.
  initRepo(dir, 'Ada Lovelace', 'ada@example.com');
  git(dir, 'add', 'flags.json');
  git(dir, 'commit', '-q', '-m', 'add a');
  calls.length = 0;
  expect(await resolver.resolve(sources)).toEqual([
    expect.objectContaining({
      repository: realpathSync(dir),
      head: git(dir, 'rev-parse', 'HEAD'),
      dirty: false,
    }),
  ]);
  expect(calls.sort()).toEqual(['log', 'rev-parse', 'status']);
});

test('in a repository: HEAD from its files, git log once per HEAD, one git status per generation', async () => {
  const dir = tempDir();
  initRepo(dir, 'Ada Lovelace', 'ada@example.com');
  const file = join(dir, 'flags.json');
  writeFileSync(file, flagsDoc({ a: 'on' }));
  git(dir, 'add', 'flags.json');
  git(dir, 'commit', '-q', '-m', 'add a');
  const { run, calls } = counting();
  const resolver = new GitResolver(() => {}, run);
  const sources = [{ source: 'flags.json', path: file }];
  const expected = (dirty: boolean) => [
    expect.objectContaining({
      head: git(dir, 'rev-parse', 'HEAD'),
      dirty,
      commit: expect.objectContaining({ sha: git(dir, 'log', '-1', '--format=%H', '--', file) }),
    }),
  ];

  expect(await resolver.resolve(sources)).toEqual(expected(false));
  calls.length = 0;
  writeFileSync(file, flagsDoc({ a: 'off' })); // uncommitted: dirty, same HEAD
  expect(await resolver.resolve(sources)).toEqual(expected(true));
  expect(calls).toEqual(['status']);

  // A new commit (loose ref): read from refs/heads/<branch>; git log runs for the new HEAD.
  git(dir, 'commit', '-q', '-am', 'turn a off');
  calls.length = 0;
  expect(await resolver.resolve(sources)).toEqual(expected(false));
  expect(calls.sort()).toEqual(['log', 'status']);

  // Branches packed into packed-refs (git gc), then a detached HEAD: still no rev-parse.
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'unrelated');
  git(dir, 'pack-refs', '--all', '--prune');
  calls.length = 0;
  expect(await resolver.resolve(sources)).toEqual(expected(false));
  git(dir, 'checkout', '-q', '--detach', 'HEAD~1');
  expect(await resolver.resolve(sources)).toEqual(expected(false));
  expect(calls).not.toContain('rev-parse');
});
