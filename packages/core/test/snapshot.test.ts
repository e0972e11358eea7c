// Change detection by content: added/removed/changed keys, a metadata-only change of one flag
// marks that flag only (flagd-core's sha1 of the merged flag would too:
// open-feature/js-sdk-contrib:libs/shared/flagd-core/src/lib/feature-flag.ts), and unchanged flags
// keep their compiled rule object.
import { createSnapshot, parseFlags } from '../src/index.js';
import type { FlagConfiguration, JsonValue } from '../src/index.js';
import type { CompiledSnapshot } from '../src/snapshot.js';

const config = (doc: JsonValue): FlagConfiguration => {
  const r = parseFlags(doc);
  if (!r.ok || !r.configuration) throw new Error(JSON.stringify(r.diagnostics));
  return r.configuration;
};
const targeted = (name: string, extra: Record<string, JsonValue> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: { if: [{ '==': [{ var: 'name' }, name] }, 'on', null] },
  ...extra,
});
const ruleOf = (snap: unknown, key: string) => (snap as CompiledSnapshot).entry(key)?.rule;

describe('createSnapshot', () => {
  const v1 = config({ flags: { a: targeted('a'), b: targeted('b'), c: targeted('c') } });
  const first = createSnapshot(v1);

  test('indexes by key; the first snapshot reports everything as added', () => {
    expect(first.snapshot.size).toBe(3);
    expect([...first.snapshot.keys()]).toEqual(['a', 'b', 'c']);
    expect(first.snapshot.has('a')).toBe(true);
    expect(first.snapshot.get('b')?.key).toBe('b');
    expect(first.changes).toEqual({ added: ['a', 'b', 'c'], removed: [], changed: [] });
  });

  test('a metadata-only change of one flag marks that flag only; the others reuse their rules', () => {
    const v2 = config({
      flags: { a: targeted('a', { metadata: { owner: 'x' } }), b: targeted('b'), c: targeted('c') },
    });
    const next = createSnapshot(v2, first.snapshot);
    expect(next.changes).toEqual({ added: [], removed: [], changed: ['a'] });
    expect(ruleOf(next.snapshot, 'b')).toBe(ruleOf(first.snapshot, 'b'));
    expect(ruleOf(next.snapshot, 'c')).toBe(ruleOf(first.snapshot, 'c'));
    expect(ruleOf(next.snapshot, 'a')).not.toBe(ruleOf(first.snapshot, 'a'));
  });

  test('added, removed and changed (targeting or default) keys', () => {
    const v2 = config({
      flags: { a: targeted('a2'), c: targeted('c', { defaultVariant: 'on' }), d: targeted('d') },
    });
    expect(createSnapshot(v2, first.snapshot).changes).toEqual({
      added: ['d'],
      removed: ['b'],
      changed: ['a', 'c'],
    });
  });

  test('reformatting or reordering the document changes nothing', () => {
    const text = JSON.stringify(
      { flags: { c: targeted('c'), b: targeted('b'), a: targeted('a') } },
      null,
      8,
    );
    const r = parseFlags(text);
    expect(createSnapshot(r.configuration!, first.snapshot).changes).toEqual({
      added: [],
      removed: [],
      changed: [],
    });
  });

  test('a set-metadata change changes every flag (the merged metadata is part of each flag)', () => {
    const v2 = config({
      metadata: { version: '2' },
      flags: { a: targeted('a'), b: targeted('b'), c: targeted('c') },
    });
    expect(createSnapshot(v2, first.snapshot).changes.changed).toEqual(['a', 'b', 'c']);
  });

  test('later definitions of one key win; the set metadata is the snapshot metadata', () => {
    const c = config({
      metadata: { team: 't' },
      flags: [
        { key: 'x', ...targeted('1'), metadata: { flagSetId: 's1' } },
        { key: 'x', ...targeted('2'), metadata: { flagSetId: 's2' } },
      ],
    });
    const snap = createSnapshot(c).snapshot;
    expect(snap.size).toBe(1);
    expect(snap.get('x')?.flagSetId).toBe('s2');
    expect(snap.metadata).toEqual({ team: 't' });
  });

  test('a list of definitions built by hand is compiled on the spot', () => {
    const def = { ...v1.flags[0]!, key: 'hand', contentHash: 'h' };
    const snap = createSnapshot([def]).snapshot;
    expect(ruleOf(snap, 'hand')).toBeDefined();
    expect(snap.metadata).toEqual({});
  });

  test('10,000 flags: parsed, compiled and snapshotted; a re-load reuses every entry', () => {
    // Timing lives in packages/core/bench (plain node): code under jest's vm runs far slower,
    // so a wall-clock budget here would measure jest, not us.
    const flags: Record<string, JsonValue> = {};
    for (let i = 0; i < 10_000; i++)
      flags[`flag-${i}`] = targeted(`user-${i}`, { metadata: { i } });
    const text = JSON.stringify({ flags });
    const r = parseFlags(text, { source: 'big.json' });
    expect(r.diagnostics).toEqual([]);
    const first = createSnapshot(r.configuration!);
    expect(first.snapshot.size).toBe(10_000);
    const again = createSnapshot(parseFlags(text).configuration!, first.snapshot);
    expect(again.changes).toEqual({ added: [], removed: [], changed: [] });
    expect(ruleOf(again.snapshot, 'flag-9999')).toBe(ruleOf(first.snapshot, 'flag-9999'));
  });
});
