// The fault-injection suite's model of the files: what each entry holds on disk, what it should
// serve, and which served states a client may see while an operation runs. A served state is a
// canonical string: every flag as `key=variant@version`, sorted, joined by spaces.
import { parseFlags } from '@switchyard/core';

/** The flag files the daemon watches, across four sources. */
export const ENTRIES = {
  a: { path: 'dir/a.json', format: 'json', inDirectory: true },
  b: { path: 'dir/b.json', format: 'json', inDirectory: true },
  c: { path: 'dir/c.yaml', format: 'yaml', inDirectory: true },
  single: { path: 'single/single.json', format: 'json', inDirectory: false },
  cm: { path: 'cm/flags.json', format: 'json', inDirectory: false },
  x: { path: 'swap.d/x.json', format: 'json', inDirectory: true },
  y: { path: 'swap.d/y.yaml', format: 'yaml', inDirectory: true },
} as const;

export type EntryId = keyof typeof ENTRIES;
export const ENTRY_IDS = Object.keys(ENTRIES) as EntryId[];
/** The daemon's `--uri` arguments, relative to the work directory. */
export const SOURCE_URIS = [
  'file:dir',
  'file:single/single.json',
  'file:cm/flags.json',
  'file:swap.d',
];

/** Every flag key an entry may hold. */
export const flagKeys = (id: EntryId) => [0, 1, 2].map((j) => `${id}-${j}`);
export const ALL_KEYS = ENTRY_IDS.flatMap(flagKeys);

/** A flag document as the suite writes it. */
export interface Doc {
  readonly version: number;
  readonly flags: Readonly<Record<string, 'on' | 'off'>>;
}

/** What is at an entry's path. `unreadable`: a regular file with mode 000. */
export type DiskState =
  | { readonly kind: 'valid'; readonly doc: Doc }
  | { readonly kind: 'invalid' | 'unreadable' | 'fifo' | 'dangling' | 'directory' | 'absent' };

export interface EntryModel {
  readonly disk: DiskState;
  /** The last valid content the daemon had (its last good flags). */
  readonly lastGood: string | undefined;
}

export type Model = Readonly<Record<EntryId, EntryModel>>;

/** The problem code a final disk state must be reported with, if any. */
export function expectedProblem(id: EntryId, disk: DiskState): string | undefined {
  switch (disk.kind) {
    case 'valid':
      return undefined;
    case 'invalid':
      return 'INVALID';
    case 'unreadable':
      return 'UNREADABLE';
    case 'absent':
      return ENTRIES[id].inDirectory ? undefined : 'MISSING';
    default:
      return 'NOT_REGULAR';
  }
}

export function renderDoc(doc: Doc, format: 'json' | 'yaml'): string {
  if (format === 'json') {
    const flags = Object.fromEntries(
      Object.entries(doc.flags).map(([key, variant]) => [
        key,
        {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: variant,
          metadata: { v: doc.version },
        },
      ]),
    );
    return `${JSON.stringify({ flags }, null, 2)}\n`;
  }
  const lines = ['flags:'];
  for (const [key, variant] of Object.entries(doc.flags)) {
    lines.push(`  ${key}:`, '    state: ENABLED', '    variants:', '      on: true');
    lines.push('      off: false', `    defaultVariant: "${variant}"`, '    metadata:');
    lines.push(`      v: ${doc.version}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Canonical served content of a document. */
export function canonicalDoc(doc: Doc): string {
  return Object.entries(doc.flags)
    .map(([key, variant]) => `${key}=${variant}@${doc.version}`)
    .sort()
    .join(' ');
}

/** Canonical content of a text as the daemon parses it, or undefined when it is invalid. */
export function canonicalText(text: string, path: string): string | undefined {
  const parsed = parseFlags(text, { source: path, mode: 'strict', targetingErrors: 'isolate' });
  if (!parsed.ok || !parsed.configuration) return undefined;
  return parsed.configuration.flags
    .map((f) => `${f.key}=${f.defaultVariant ?? ''}@${String(f.metadata.v ?? '')}`)
    .sort()
    .join(' ');
}

/**
 * What an entry serves once `disk` holds still: its content when valid, nothing when it is gone
 * from a directory, else its last good content.
 */
export function served(id: EntryId, disk: DiskState, lastGood: string | undefined) {
  if (disk.kind === 'valid') return canonicalDoc(disk.doc);
  if (disk.kind === 'absent' && ENTRIES[id].inDirectory) return undefined;
  return lastGood;
}

/** The model after a step ended with `finals` on disk. */
export function advance(model: Model, finals: ReadonlyMap<EntryId, DiskState>): Model {
  const next = { ...model } as Record<EntryId, EntryModel>;
  for (const [id, disk] of finals) {
    next[id] = { disk, lastGood: served(id, disk, model[id].lastGood) };
  }
  return next;
}

/** Joins entries' canonical contents into one served state. */
export function joinServed(parts: readonly (string | undefined)[]): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== '')
    .flatMap((p) => p.split(' '))
    .sort()
    .join(' ');
}

/** The state served when every entry is at its final state. */
export function expectedState(model: Model): string {
  return joinServed(ENTRY_IDS.map((id) => served(id, model[id].disk, model[id].lastGood)));
}

/** What a touched entry may serve during an operation: before, valid states on the way, after. */
export interface Touched {
  /** Canonical contents of the valid states the entry passes through before its final one. */
  readonly intermediates: readonly string[];
  readonly final: DiskState;
}

/** Every served state a client may see while the operation runs (touched entries vary). */
export function allowedStates(model: Model, touched: ReadonlyMap<EntryId, Touched>): Set<string> {
  let states: (string | undefined)[][] = [[]];
  for (const id of ENTRY_IDS) {
    const before = served(id, model[id].disk, model[id].lastGood);
    const change = touched.get(id);
    const options = new Set<string | undefined>([before]);
    if (change) {
      for (const s of change.intermediates) options.add(s);
      options.add(served(id, change.final, model[id].lastGood));
    }
    states = states.flatMap((prefix) => [...options].map((o) => [...prefix, o]));
  }
  return new Set(states.map(joinServed));
}
