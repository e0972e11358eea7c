// compareFlags names the parts of a changed flag that differ; sameJson is the equality behind it:
// structural, blind to object key order, sensitive to everything else.
import { type JsonValue, parseFlags } from '@switchyard/core';
import { compareFlags } from '../../src/audit/flag-changes.js';
import type { ServedFlag } from '../../src/audit/types.js';
import { sameJson } from '../../src/flags/same-json.js';

describe('sameJson', () => {
  const equal: [JsonValue, JsonValue][] = [
    [1, 1],
    ['a', 'a'],
    [null, null],
    [
      [1, [2, { a: 3 }]],
      [1, [2, { a: 3 }]],
    ],
    [
      { a: 1, b: { c: [true] } },
      { b: { c: [true] }, a: 1 },
    ],
    [{}, {}],
    [0, -0],
  ];
  const different: [JsonValue, JsonValue][] = [
    [1, '1'],
    [null, {}],
    [[], {}],
    [{}, []],
    [
      [1, 2],
      [2, 1],
    ],
    [[1], [1, 1]],
    [{ a: 1 }, { a: 1, b: 2 }],
    [{ a: 1, b: 2 }, { a: 1 }],
    [
      { a: 1, b: 2 },
      { a: 1, c: 2 },
    ],
    [{ a: { b: 1 } }, { a: { b: 2 } }],
    [true, 1],
  ];
  it.each(equal)('%j equals %j', (a, b) => {
    expect(sameJson(a, b)).toBe(true);
    expect(sameJson(b, a)).toBe(true);
  });
  it.each(different)('%j differs from %j', (a, b) => {
    expect(sameJson(a, b)).toBe(false);
    expect(sameJson(b, a)).toBe(false);
  });
  it('treats an absent value as different from any JSON value', () => {
    expect(sameJson(undefined, undefined)).toBe(true);
    expect(sameJson(undefined, null)).toBe(false);
  });
});

describe('compareFlags', () => {
  const flags = (doc: object, sourceId = 'flags.json'): ServedFlag[] => {
    const parsed = parseFlags(JSON.stringify(doc), { mode: 'strict' });
    if (!parsed.configuration) throw new Error(JSON.stringify(parsed.diagnostics));
    return parsed.configuration.flags.map((flag) => ({ flag, sourceId }));
  };
  const flag = (extra: object) => ({
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'on',
    ...extra,
  });

  it('names only the fields that differ, ignoring key order and formatting', () => {
    const before = flags({
      flags: {
        same: flag({ metadata: { a: 1, b: 2 } }),
        meta: flag({ metadata: { rev: '1' } }),
        rule: flag({ targeting: { if: [true, 'on', 'off'] } }),
      },
    });
    const after = flags({
      flags: {
        same: flag({ metadata: { b: 2, a: 1 } }),
        meta: flag({ metadata: { rev: '2' } }),
        rule: flag({ targeting: { if: [false, 'on', 'off'] }, defaultVariant: 'off' }),
        added: flag({}),
      },
    });
    const result = compareFlags(before, after);
    expect(result.changed.map((c) => [c.key, c.fields])).toEqual([
      ['meta', ['metadata']],
      ['rule', ['defaultVariant', 'targeting']],
    ]);
    expect(result.added.map((a) => a.key)).toEqual(['added']);
    expect(result.removed).toEqual([]);
  });
});
