// The file-system operations of the fault-injection suite: fast-check arbitraries that describe
// them, and plans that say what each does to the model and then does it to real files.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { DiskState, Doc, EntryId, Model, Touched } from './model.js';
import { ENTRIES, canonicalText, renderDoc } from './model.js';

/** Which of an entry's three flags a document holds, and their variants. */
export type FlagChoice = readonly (('on' | 'off') | null)[];
type Content = FlagChoice | 'invalid' | 'omit';

const FILE_ENTRIES = ['a', 'b', 'c', 'single', 'x', 'y'] as const;
type FileEntry = (typeof FILE_ENTRIES)[number];

export type Op =
  | {
      readonly type: 'atomic-save' | 'overwrite';
      readonly entry: FileEntry;
      readonly flags: FlagChoice;
    }
  | {
      readonly type: 'chunked';
      readonly entry: FileEntry;
      readonly flags: FlagChoice;
      readonly chunks: number;
      readonly pauseMs: number;
    }
  | { readonly type: 'invalid'; readonly entry: FileEntry; readonly variant: number }
  | {
      readonly type: 'fifo' | 'dangling' | 'directory' | 'chmod-000' | 'delete';
      readonly entry: FileEntry;
    }
  | {
      readonly type: 'delete-recreate';
      readonly entry: FileEntry;
      readonly flags: FlagChoice;
      readonly pauseMs: number;
    }
  | { readonly type: 'git-checkout'; readonly commit: number }
  | { readonly type: 'configmap-swap'; readonly content: Content }
  | {
      readonly type: 'directory-swap';
      readonly steps: boolean;
      readonly x: Content;
      readonly y: Content;
    };

const flagChoice: fc.Arbitrary<FlagChoice> = fc
  .array(fc.constantFrom('on' as const, 'off' as const, null), { minLength: 3, maxLength: 3 })
  .filter((flags) => flags.some((f) => f !== null));
const content: fc.Arbitrary<Content> = fc.oneof(
  { weight: 4, arbitrary: flagChoice },
  { weight: 1, arbitrary: fc.constant('invalid' as const) },
  { weight: 1, arbitrary: fc.constant('omit' as const) },
);
const entry = fc.constantFrom(...FILE_ENTRIES);

/** One operation, weighted toward the everyday ones. */
export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ type: fc.constant('atomic-save' as const), entry, flags: flagChoice }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('overwrite' as const), entry, flags: flagChoice }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('chunked' as const),
      entry,
      flags: flagChoice,
      chunks: fc.integer({ min: 2, max: 5 }),
      pauseMs: fc.integer({ min: 0, max: 40 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('invalid' as const), entry, variant: fc.nat(2) }),
  },
  ...(['fifo', 'dangling', 'directory', 'chmod-000', 'delete'] as const).map((type) => ({
    weight: 1,
    arbitrary: fc.record({ type: fc.constant(type), entry }),
  })),
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('delete-recreate' as const),
      entry,
      flags: flagChoice,
      pauseMs: fc.integer({ min: 0, max: 10 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('git-checkout' as const), commit: fc.nat(2) }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('configmap-swap' as const), content }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('directory-swap' as const),
      steps: fc.boolean(),
      x: content,
      y: content,
    }),
  },
);

const INVALID_TEXTS = ['{"flags": {"broken": ', '{"flags": 1}\n', 'flags: [unclosed\n  - :\n'];

/** What the world gives plans: where files are, fresh versions, the git commits. */
export interface PlanContext {
  readonly root: string;
  readonly model: Model;
  nextVersion(): number;
  readonly commits: readonly Readonly<Record<'a' | 'b' | 'c', Doc>>[];
  /** chmod 000 makes a file unreadable for the daemon (it does not run as root). */
  readonly canDenyRead: boolean;
}

export interface Plan {
  readonly touched: Map<EntryId, Touched>;
  readonly run: () => Promise<void>;
}

export function docOf(flags: FlagChoice, id: EntryId, version: number): Doc {
  const entries = flags.flatMap((variant, j) =>
    variant === null ? [] : [[`${id}-${j}`, variant]],
  );
  return { version, flags: Object.fromEntries(entries) };
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function kindAt(path: string): 'file' | 'directory' | 'other' | 'absent' {
  try {
    const stats = lstatSync(path);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'absent';
  }
}

/** Makes `path` a plain, readable regular file or nothing, so it can be written in place. */
function prepareInPlace(path: string): void {
  const kind = kindAt(path);
  if (kind === 'file') chmodSync(path, 0o644);
  else if (kind !== 'absent') rmSync(path, { recursive: true, force: true });
}

/** Temp file + rename in the same directory (a directory in the way is removed first). */
function atomicSave(path: string, make: (tmp: string) => void): void {
  const tmp = join(dirname(path), `.tmp-${Math.random().toString(36).slice(2)}`);
  make(tmp);
  if (kindAt(path) === 'directory') rmSync(path, { recursive: true, force: true });
  renameSync(tmp, path);
}

/** Valid states a text passes through when written in `chunks` pieces. */
function chunkStates(
  text: string,
  chunks: number,
  path: string,
): { pieces: string[]; valid: string[] } {
  const size = Math.ceil(text.length / chunks);
  const pieces = Array.from({ length: chunks }, (_, i) => text.slice(i * size, (i + 1) * size));
  const valid: string[] = [];
  for (let i = 1; i < chunks; i++) {
    const state = canonicalText(pieces.slice(0, i).join(''), path);
    if (state !== undefined) valid.push(state);
  }
  return { pieces, valid };
}

const one = (id: EntryId, intermediates: string[], final: DiskState) =>
  new Map<EntryId, Touched>([[id, { intermediates, final }]]);

/** Plans for the operations that write one file. */
export function planFileOp(op: Extract<Op, { entry: FileEntry }>, ctx: PlanContext): Plan {
  const def = ENTRIES[op.entry];
  const path = join(ctx.root, def.path);
  switch (op.type) {
    case 'atomic-save':
    case 'overwrite': {
      const doc = docOf(op.flags, op.entry, ctx.nextVersion());
      const text = renderDoc(doc, def.format);
      const run =
        op.type === 'atomic-save'
          ? () => atomicSave(path, (tmp) => writeFileSync(tmp, text))
          : () => {
              prepareInPlace(path);
              writeFileSync(path, text);
            };
      return { touched: one(op.entry, [], { kind: 'valid', doc }), run: async () => run() };
    }
    case 'chunked': {
      const doc = docOf(op.flags, op.entry, ctx.nextVersion());
      const { pieces, valid } = chunkStates(renderDoc(doc, def.format), op.chunks, def.path);
      const run = async () => {
        prepareInPlace(path);
        const fd = openSync(path, 'w');
        try {
          for (const piece of pieces) {
            writeSync(fd, piece);
            await pause(op.pauseMs);
          }
        } finally {
          closeSync(fd);
        }
      };
      return { touched: one(op.entry, valid, { kind: 'valid', doc }), run };
    }
    case 'delete-recreate': {
      const doc = docOf(op.flags, op.entry, ctx.nextVersion());
      const run = async () => {
        rmSync(path, { recursive: true, force: true });
        await pause(op.pauseMs);
        writeFileSync(path, renderDoc(doc, def.format));
      };
      return { touched: one(op.entry, [], { kind: 'valid', doc }), run };
    }
    default:
      return planBreakingOp(op, ctx, path);
  }
}

/** Plans for the operations that leave one file unusable (or gone). */
function planBreakingOp(
  op: Extract<Op, { type: 'invalid' | 'fifo' | 'dangling' | 'directory' | 'chmod-000' | 'delete' }>,
  ctx: PlanContext,
  path: string,
): Plan {
  const simple = (kind: Exclude<DiskState['kind'], 'valid'>, run: () => void): Plan => ({
    touched: one(op.entry, [], { kind }),
    run: async () => run(),
  });
  switch (op.type) {
    case 'invalid':
      return simple('invalid', () =>
        atomicSave(path, (tmp) =>
          writeFileSync(tmp, INVALID_TEXTS[op.variant % INVALID_TEXTS.length]!),
        ),
      );
    case 'fifo':
      return simple('fifo', () => atomicSave(path, (tmp) => execFileSync('mkfifo', [tmp])));
    case 'dangling': {
      const target = join(ctx.root, 'void', Math.random().toString(36).slice(2));
      return simple('dangling', () => atomicSave(path, (tmp) => symlinkSync(target, tmp)));
    }
    case 'directory':
      return simple('directory', () => {
        rmSync(path, { recursive: true, force: true });
        mkdirSync(path);
      });
    case 'delete':
      return simple('absent', () => rmSync(path, { recursive: true, force: true }));
    case 'chmod-000': {
      const current = ctx.model[op.entry].disk;
      const regular = ['valid', 'invalid', 'unreadable'].includes(current.kind);
      // Only a regular file can be made unreadable; anything else stays as it is.
      if (!regular || !ctx.canDenyRead) return { touched: new Map(), run: async () => {} };
      return simple('unreadable', () => chmodSync(path, 0o000));
    }
  }
}
