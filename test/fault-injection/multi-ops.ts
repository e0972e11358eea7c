// Operations that change several files at once: `git checkout` between commits of the
// directory source's repository, the ConfigMap `..data` swap, and swapping the swap.d
// directory source in one step or several.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DiskState, Doc, EntryId, Touched } from './model.js';
import { ENTRIES, renderDoc } from './model.js';
import type { FlagChoice, Op, Plan, PlanContext } from './operations.js';
import { docOf, planFileOp } from './operations.js';

const INVALID_TEXT = '{"flags": {"cut": ';

export function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: join(root, 'dir'), stdio: 'pipe' }).toString();
}

/** Commits `docs` to the directory source's repository as tag `c<n>`. */
export function commit(root: string, n: number, docs: Readonly<Record<'a' | 'b' | 'c', Doc>>) {
  for (const id of ['a', 'b', 'c'] as const) {
    writeFileSync(join(root, ENTRIES[id].path), renderDoc(docs[id], ENTRIES[id].format));
  }
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=fault', '-c', 'user.email=fault@test', 'commit', '-q', '-m', `c${n}`);
  git(root, 'tag', `c${n}`);
}

function planGitCheckout(op: Extract<Op, { type: 'git-checkout' }>, ctx: PlanContext): Plan {
  const docs = ctx.commits[op.commit % ctx.commits.length]!;
  const touched = new Map<EntryId, Touched>();
  for (const id of ['a', 'b', 'c'] as const) {
    touched.set(id, { intermediates: [], final: { kind: 'valid', doc: docs[id] } });
  }
  const run = async () => {
    for (const id of ['a', 'b', 'c'] as const) {
      const path = join(ctx.root, ENTRIES[id].path);
      // git replaces what is in the way, but keeps a file's mode when its content is current.
      const kind = ctx.model[id].disk.kind;
      if (kind === 'unreadable') chmodSync(path, 0o644);
      else if (kind !== 'valid' && kind !== 'invalid')
        rmSync(path, { recursive: true, force: true });
    }
    git(ctx.root, 'checkout', '-f', '-q', `c${op.commit % ctx.commits.length}`);
  };
  return { touched, run };
}

type Content = FlagChoice | 'invalid' | 'omit';

function contentFor(id: EntryId, content: Content, ctx: PlanContext) {
  if (content === 'omit') return { state: { kind: 'absent' } as DiskState, text: undefined };
  if (content === 'invalid') return { state: { kind: 'invalid' } as DiskState, text: INVALID_TEXT };
  const doc = docOf(content, id, ctx.nextVersion());
  return { state: { kind: 'valid', doc } as DiskState, text: renderDoc(doc, ENTRIES[id].format) };
}

function planConfigMap(op: Extract<Op, { type: 'configmap-swap' }>, ctx: PlanContext): Plan {
  const { state, text } = contentFor('cm', op.content, ctx);
  const final: DiskState = state.kind === 'absent' ? { kind: 'dangling' } : state;
  const cm = join(ctx.root, 'cm');
  const run = async () => {
    const old = readdirSync(cm).filter((n) => /^\.\.v\d+$/.test(n));
    const version = `..v${ctx.nextVersion()}`;
    mkdirSync(join(cm, version));
    if (text !== undefined) writeFileSync(join(cm, version, 'flags.json'), text);
    symlinkSync(version, join(cm, '..data_tmp'));
    renameSync(join(cm, '..data_tmp'), join(cm, '..data'));
    for (const name of old) rmSync(join(cm, name), { recursive: true, force: true });
  };
  return { touched: new Map([['cm', { intermediates: [], final }]]), run };
}

function planDirectorySwap(op: Extract<Op, { type: 'directory-swap' }>, ctx: PlanContext): Plan {
  const files = (['x', 'y'] as const).map((id) => ({ id, ...contentFor(id, op[id], ctx) }));
  const touched = new Map<EntryId, Touched>(
    files.map((f) => [f.id, { intermediates: [], final: f.state }]),
  );
  const swap = join(ctx.root, 'swap.d');
  const write = (dir: string) => {
    for (const f of files) {
      if (f.text !== undefined) writeFileSync(join(dir, ENTRIES[f.id].path.split('/')[1]!), f.text);
    }
  };
  const run = async () => {
    if (op.steps) {
      rmSync(swap, { recursive: true, force: true });
      mkdirSync(swap);
      write(swap);
      return;
    }
    const incoming = join(ctx.root, 'swap.new');
    mkdirSync(incoming);
    write(incoming);
    rmSync(swap, { recursive: true, force: true });
    renameSync(incoming, swap);
  };
  return { touched, run };
}

export function planOp(op: Op, ctx: PlanContext): Plan {
  switch (op.type) {
    case 'git-checkout':
      return planGitCheckout(op, ctx);
    case 'configmap-swap':
      return planConfigMap(op, ctx);
    case 'directory-swap':
      return planDirectorySwap(op, ctx);
    default:
      return planFileOp(op, ctx);
  }
}

/** What is at an entry's path now, as the model names it (a harness self-check). */
export function diskKind(root: string, id: EntryId): DiskState['kind'] | 'regular' {
  const path = join(root, ENTRIES[id].path);
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch {
    return 'absent';
  }
  if (stats.isFIFO()) return 'fifo';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink() && id !== 'cm') return 'dangling';
  if (id === 'cm') {
    try {
      readFileSync(path);
    } catch {
      return 'dangling';
    }
  }
  return (stats.mode & 0o777) === 0 ? 'unreadable' : 'regular';
}
