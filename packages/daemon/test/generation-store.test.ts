// The store consumes SourceUpdates (served flags plus the entries at fault), publishes only
// generations that hold every serving source's flags, reports each problem once when it appears
// and once when it clears, and keeps only the current generation and its predecessor: a daemon
// publishing for weeks must not grow.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SourceProblem, SourceUpdate } from '@switchyard/sources';
import { parseFlags } from '../src/engine.js';
import type { FlagConfiguration } from '../src/engine.js';
import { GenerationStore } from '../src/store/generation-store.js';
import type { StoreEvent } from '../src/store/generation-store.js';
import { ALL_FLAGS, parseSelector } from '../src/store/selector.js';
import { flagConfigurationJson } from '../src/sync/flag-configuration.js';
import { syncPayloadSlot } from '../src/sync/sync-payload.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const configuration = (flags: Record<string, unknown>): FlagConfiguration =>
  parseFlags(JSON.stringify({ flags }), {
    mode: 'strict',
    targetingErrors: 'isolate',
  }).configuration!;

const flag = (variant: string, extra: Record<string, unknown> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: variant,
  ...extra,
});

const update = (
  sourceId: string,
  served: FlagConfiguration | undefined,
  problems: SourceProblem[] = [],
): SourceUpdate => ({
  sourceId,
  configuration: served,
  problems,
  warnings: [],
  eventAt: undefined,
});

const invalid = (entry: string, since = 1_000): SourceProblem => ({
  code: 'INVALID',
  entry,
  message: `${entry}:1:9: error SYNTAX: unexpected end of input`,
  since,
});

function recorded(store: GenerationStore): StoreEvent[] {
  const events: StoreEvent[] = [];
  store.subscribe((e) => events.push(e));
  return events;
}

test('old generations are not retained (only the current one and its predecessor)', async () => {
  const store = new GenerationStore({ sources: ['s'] });
  const payloads = syncPayloadSlot({});
  const apply = (rev: number) =>
    store.apply(update('s', configuration({ a: flag('on', { metadata: { rev } }) })));
  apply(1);
  const first = (() => {
    const g = store.start()!;
    g.view(ALL_FLAGS).cached(payloads);
    g.view(ALL_FLAGS).snapshot;
    return new WeakRef(g);
  })();
  for (let rev = 2; rev <= 4; rev++) {
    apply(rev);
    // Links to the previous generation's payload and snapshot.
    store.view(ALL_FLAGS).cached(payloads);
    store.view(ALL_FLAGS).snapshot;
  }
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  expect(store.generation!.number).toBe(4);
  expect(first.deref()).toBeUndefined();
});

test('not ready until the first generation is published, even with every source loaded', () => {
  // The daemon publishes generation 1 once every server listens; /readyz follows the store,
  // so a probe cannot see 200 while the sync port still refuses connections.
  const store = new GenerationStore({ sources: ['s'] });
  store.apply(update('s', configuration({ a: flag('on') })));
  expect(store.ready).toBe(false);
  store.start();
  expect(store.ready).toBe(true);
});

test('nothing is published while no source has usable content; the first usable update is generation 1', () => {
  const store = new GenerationStore({ sources: ['a.json', 'b.json'] });
  const events = recorded(store);
  store.apply(update('a.json', undefined, [invalid('a.json')]));
  store.apply(update('b.json', undefined, [invalid('b.json')]));
  expect(store.start()).toBeUndefined();
  expect(store.generation).toBeUndefined();
  expect(flagConfigurationJson(store.view(ALL_FLAGS))).toBe('{"flags":{}}');
  store.apply(update('b.json', configuration({ b: flag('on') })));
  const g = store.generation!;
  expect({ number: g.number, sources: g.sources, changes: g.changes }).toEqual({
    number: 1,
    sources: ['b.json'],
    changes: { added: ['b'], changed: [], removed: [] },
  });
  expect(events.map((e) => e.type)).toEqual(['problem', 'problem', 'generation', 'recovered']);
  expect(store.ready).toBe(false); // a.json still serves nothing
});

test('start-up with one bad source of three serves the other two and reports it', () => {
  const store = new GenerationStore({ sources: ['a.json', 'b.json', 'c.json'] });
  store.apply(update('a.json', configuration({ a: flag('on') })));
  store.apply(update('b.json', undefined, [invalid('b.json', 5_000)]));
  store.apply(update('c.json', configuration({ c: flag('off') })));
  const g = store.start()!;
  expect(g.sources).toEqual(['a.json', 'c.json']);
  expect(g.flags.map((m) => m.flag.key)).toEqual(['a', 'c']);
  expect(store.unavailableSources()).toEqual(['b.json']);
  expect(store.status()).toEqual([
    { source: 'a.json', health: 'ok', flags: 1, generation: 1, problems: [] },
    {
      source: 'b.json',
      health: 'unavailable',
      flags: 0,
      generation: undefined,
      problems: [invalid('b.json', 5_000)],
    },
    { source: 'c.json', health: 'ok', flags: 1, generation: 1, problems: [] },
  ]);
});

test('an entry going bad keeps the last good flags: no generation, one problem event, one recovery', () => {
  const store = new GenerationStore({ sources: ['dir'] });
  const good = configuration({ a: flag('on'), b: flag('on') });
  store.apply(update('dir', good));
  store.start();
  const events = recorded(store);
  // The source reports the same served flags (its last good content) and the entry at fault,
  // twice (a second event of the same state must not be reported again).
  store.apply(update('dir', good, [invalid('dir/b.json')]));
  store.apply(update('dir', good, [invalid('dir/b.json')]));
  expect(events).toEqual([
    { type: 'problem', source: 'dir', problem: invalid('dir/b.json'), serving: true },
  ]);
  expect(store.status()[0]).toMatchObject({ health: 'degraded', generation: 1, flags: 2 });
  store.apply(update('dir', configuration({ a: flag('on'), b: flag('off') })));
  expect(events.slice(1).map((e) => e.type)).toEqual(['generation', 'recovered']);
  expect(events[2]).toEqual({ type: 'recovered', source: 'dir', entry: 'dir/b.json' });
  expect(store.status()[0]).toMatchObject({ health: 'ok', generation: 2, problems: [] });
});

test('warnings are reported once per content; rule errors travel on the flags, not here', () => {
  const store = new GenerationStore({ sources: ['s'] });
  const events = recorded(store);
  const served = configuration({
    odd: flag('on', { targeting: { no_such_operator: [1] } }),
  });
  const ruleError = served.flags[0]!.error!;
  const warning = {
    severity: 'warning' as const,
    code: 'X',
    message: 'odd but fine',
    path: 'flags',
  };
  const withWarnings = (c: FlagConfiguration): SourceUpdate => ({
    ...update('s', c),
    warnings: [warning, ruleError],
  });
  store.apply(withWarnings(served));
  store.apply(
    withWarnings(configuration({ odd: flag('on', { targeting: { no_such_operator: [1] } }) })),
  );
  expect(events).toEqual([{ type: 'warnings', source: 's', warnings: [warning] }]);
});

test('one merge: later sources win per set and key, a view holds one flag per key, in both encodings', () => {
  const store = new GenerationStore({ sources: ['base', 'override'] });
  store.apply(
    update(
      'base',
      configuration({ a: flag('off'), b: flag('off', { metadata: { flagSetId: 'team' } }) }),
    ),
  );
  store.apply(update('override', configuration({ a: flag('on') })));
  store.start();
  const all = store.view(ALL_FLAGS);
  expect([...all.flags.values()].map((m) => [m.flag.key, m.sourceId])).toEqual([
    ['b', 'base'],
    ['a', 'override'],
  ]);
  expect([...all.snapshot.keys()]).toEqual(['b', 'a']);
  expect(Object.keys(JSON.parse(flagConfigurationJson(all)).flags)).toEqual(['b', 'a']);
  expect(all.snapshot.get('a')!.defaultVariant).toBe('on');
  // One view object per selector and generation, whichever transport asks.
  expect(store.view(parseSelector('flagSetId=team'))).toBe(
    store.view(parseSelector('flagSetId=team')),
  );
  expect([...store.view(parseSelector('source=base')).flags.keys()]).toEqual(['b']);
});

test('views are bounded per generation: selectors past 1,024 get a view that is not kept', () => {
  const store = new GenerationStore({ sources: ['s'] });
  store.apply(update('s', configuration({ a: flag('on') })));
  const g = store.start()!;
  for (let i = 0; i < 1024; i++) g.view(parseSelector(`source=s${i}`));
  const kept = parseSelector('source=s0');
  expect(g.view(kept)).toBe(g.view(kept));
  const extra = parseSelector('source=one-too-many');
  expect(g.view(extra)).not.toBe(g.view(extra));
  expect(g.peekView(extra)).toBeUndefined();
});

test('one selector parser: each string parsed once, equal meanings share a key', () => {
  expect(parseSelector('flagSetId=team')).toBe(parseSelector('flagSetId=team'));
  expect(parseSelector(' flagSetId = team ').key).toBe(parseSelector('flagSetId=team').key);
  expect(parseSelector('a.json')).toEqual({ kind: 'source', source: 'a.json', key: 'src=a.json' });
  expect(parseSelector('flagSetId=')).toEqual({
    kind: 'flagSetId',
    flagSetId: undefined,
    key: 'set:',
  });
  expect(parseSelector(undefined)).toBe(ALL_FLAGS);
  let first: unknown;
  let second: unknown;
  try {
    parseSelector('env=prod');
  } catch (error) {
    first = error;
  }
  try {
    parseSelector('env=prod');
  } catch (error) {
    second = error;
  }
  expect(first).toBeInstanceOf(Error);
  expect((first as Error).message).toBe(
    'INVALID_SELECTOR: unsupported selector key "env" in "env=prod"; use flagSetId=<id>, source=<source> or a bare source',
  );
  expect(second).toBe(first);
});

describe('publication checks (the sync payload over --max-msg-size)', () => {
  /** A check that refuses generations of more than `max` flags, as the sync service refuses bytes. */
  const atMost = (max: number) => (g: { flags: readonly unknown[] }) =>
    g.flags.length > max
      ? { code: 'TOO_LARGE' as const, message: `not published: ${g.flags.length} flags` }
      : undefined;
  const flags = (n: number, variant = 'on') =>
    configuration(
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, flag(variant)])),
    );

  test('a refused update keeps the source serving what it served, reported once; the next fitting update recovers', () => {
    const store = new GenerationStore({ sources: ['base', 'big'] });
    store.check(atMost(3));
    store.apply(update('base', flags(1)));
    store.apply(update('big', configuration({ x: flag('on') })));
    store.start();
    const events = recorded(store);
    const tooBig = configuration({ x: flag('off'), y: flag('on'), z: flag('on') });
    store.apply(update('big', tooBig));
    store.apply(update('big', tooBig)); // the same content again: no second report
    expect(store.generation!.number).toBe(1);
    expect(store.generation!.flags.map((m) => m.flag.key)).toEqual(['f0', 'x']);
    expect(events).toEqual([
      {
        type: 'problem',
        source: 'big',
        problem: {
          code: 'TOO_LARGE',
          entry: 'big',
          message: 'not published: 4 flags',
          since: expect.any(Number),
        },
        serving: true,
      },
    ]);
    expect(store.status()[1]).toMatchObject({
      health: 'degraded',
      flags: 1,
      generation: 1,
      problems: [{ code: 'TOO_LARGE', message: 'not published: 4 flags' }],
    });
    // Another source's change is published with big's last good flags.
    store.apply(update('base', flags(1, 'off')));
    expect(store.generation!.number).toBe(2);
    expect(store.status()[1]).toMatchObject({ health: 'degraded' });
    store.apply(update('big', configuration({ x: flag('off'), y: flag('on') })));
    expect(store.generation!.flags.map((m) => m.flag.key)).toEqual(['f0', 'x', 'y']);
    expect(events.slice(1).map((e) => e.type)).toEqual(['generation', 'generation', 'recovered']);
    expect(events[3]).toEqual({ type: 'recovered', source: 'big', entry: 'big' });
    expect(store.status()[1]).toMatchObject({ health: 'ok', problems: [] });
  });

  test('at start-up, sources are added in merge order and each one that does not fit is held back', () => {
    const store = new GenerationStore({ sources: ['a', 'b', 'c'] });
    store.check(atMost(3));
    store.apply(update('a', configuration({ a1: flag('on'), a2: flag('on') })));
    store.apply(update('b', configuration({ b1: flag('on'), b2: flag('on') })));
    store.apply(update('c', configuration({ c1: flag('on') })));
    const events = recorded(store);
    const g = store.start()!;
    expect(g.flags.map((m) => m.flag.key)).toEqual(['a1', 'a2', 'c1']);
    expect(store.status().map((s) => s.health)).toEqual(['ok', 'unavailable', 'ok']);
    expect(events.map((e) => e.type)).toEqual(['problem', 'generation']);
    expect(events[0]).toMatchObject({
      source: 'b',
      serving: false,
      problem: { code: 'TOO_LARGE' },
    });
  });

  test('nothing that fits: nothing is published, and the source is reported', () => {
    const store = new GenerationStore({ sources: ['s'] });
    store.check(atMost(3));
    store.apply(update('s', flags(5)));
    expect(store.start()).toBeUndefined();
    expect(store.status()[0]).toMatchObject({
      health: 'unavailable',
      problems: [{ code: 'TOO_LARGE', entry: 's' }],
    });
  });
});
