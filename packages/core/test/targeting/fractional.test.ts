// fractional v2 (open-feature/flagd:core/pkg/evaluator/fractional.go; where flagd-core differs:
// docs/adr/0019): MurmurHash3 x86_32 over UTF-8 bytes, bucket = (hash × totalWeight) >> 32,
// implicit seed flagKey+targetingKey.
import { createRequire } from 'node:module';
import { parseDistributions, pickIndex } from '../../src/targeting/fractional.js';
import {
  Murmur3Prefix,
  murmur3Utf8,
  murmur3Utf8Pair,
  murmur3Utf8PairCached,
  scaleToBucket,
} from '../../src/targeting/murmur3.js';
import { compile, compiled, run, scope } from './support.js';

/** Independent, straightforward MurmurHash3 x86_32 (seed 0) over a byte array. */
function referenceMurmur3(bytes: Uint8Array): number {
  let h = 0;
  const n = bytes.length;
  const blocks = n - (n % 4);
  const at = (i: number) => bytes[i] as number;
  for (let i = 0; i < blocks; i += 4) {
    let k = at(i) | (at(i + 1) << 8) | (at(i + 2) << 16) | (at(i + 3) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const rest = n % 4;
  if (rest === 3) k ^= at(blocks + 2) << 16;
  if (rest >= 2) k ^= at(blocks + 1) << 8;
  if (rest >= 1) {
    k ^= at(blocks);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Golden vectors: unsigned MurmurHash3 x86_32 (seed 0) of the UTF-8 bytes, as flagd's
// twmb/murmur3.StringSum32 gives them. `imurmurhash` is what @openfeature/flagd-core computes
// (UTF-16 code units): equal for ASCII, different otherwise.
const GOLDEN: readonly [string, number, number][] = [
  ['', 0, 0],
  ['a', 1009084850, 1009084850],
  ['abcd', 1139631978, 1139631978],
  ['hello', 613153351, 613153351],
  ['fractional-flagjack', 2682799072, 2682799072],
  ['héllo', 3164577896, 1069087607],
  ['Świętopełk', 805072450, 2428842163],
  ['日本語', 2779017879, 2247144487],
  ['😀', 3199479546, 306838748],
  ['user-🚀-x', 4091807968, 2749953815],
  ['\ud800x', 1125826721, 1365703843], // lone surrogate → U+FFFD, as Buffer and Go encode it
];

const flagdCoreRequire = createRequire(require.resolve('@openfeature/flagd-core'));
const IMurmur = flagdCoreRequire('imurmurhash') as new (s: string) => { result(): number };

describe('murmur3 over UTF-8', () => {
  it.each(GOLDEN)('%j hashes to %d', (s, utf8, _utf16) => {
    expect(murmur3Utf8(s)).toBe(utf8);
    expect(referenceMurmur3(Buffer.from(s, 'utf8'))).toBe(utf8);
  });

  it('agrees with @openfeature/flagd-core (imurmurhash) for ASCII and differs for non-ASCII keys', () => {
    for (const [s, utf8, utf16] of GOLDEN) {
      expect(new IMurmur(s).result() >>> 0).toBe(utf16);
      const ascii = [...s].every((c) => c.charCodeAt(0) < 0x80);
      expect(utf8 === utf16).toBe(ascii);
    }
  });

  it('matches the reference on generated strings of every UTF-8 length class', () => {
    const alphabet = [
      'a',
      'Z',
      '~',
      'é',
      'ß',
      'Ω',
      '€',
      '日',
      '😀',
      '𝄞',
      '\u07ff',
      '\u0800',
      '\uffff',
    ];
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let i = 0; i < 500; i++) {
      let s = '';
      const len = rnd() % 12;
      for (let j = 0; j < len; j++) s += alphabet[rnd() % alphabet.length];
      expect(murmur3Utf8(s)).toBe(referenceMurmur3(Buffer.from(s, 'utf8')));
    }
  });
});

describe('murmur3 over two parts (fractional hashes flagKey + targetingKey and cat seeds in parts)', () => {
  it('equals the hash of the concatenation at every split point, surrogate pairs included', () => {
    // Every split of these strings, including between the halves of a surrogate pair (which
    // the concatenation joins into one 4-byte character) and around lone surrogates.
    const samples = [
      ...GOLDEN.map(([s]) => s),
      'fractional-flaguser12@example.com',
      'a😀b',
      '😀😀',
      '\ud83d',
      '\ude00x',
      'x\ud83dy\ude00',
      'héllo-日本語-🚀',
    ];
    for (const s of samples) {
      const whole = referenceMurmur3(Buffer.from(s, 'utf8'));
      for (let i = 0; i <= s.length; i++) {
        expect(murmur3Utf8Pair(s.slice(0, i), s.slice(i))).toBe(whole);
      }
    }
  });

  it('reads ASCII four characters at a time at every byte alignment, around multi-byte characters', () => {
    // The fast path packs four ASCII code units per block; a part that starts mid-block (after
    // 1-3 pending bytes, or after a 2/3/4-byte character) must give the same bytes.
    const ascii = 'user-12345@example.com/abcdefgh';
    for (const lead of ['', 'a', 'ab', 'abc', 'é', 'ß€', '日', '😀', 'x😀', '\ud800']) {
      for (let cut = 0; cut <= ascii.length; cut++) {
        const s = `${lead}${ascii.slice(0, cut)}Ω${ascii.slice(cut)}`;
        const whole = referenceMurmur3(Buffer.from(s, 'utf8'));
        expect(murmur3Utf8(s)).toBe(whole);
        for (let i = 0; i <= s.length; i += 3) {
          expect(murmur3Utf8Pair(s.slice(0, i), s.slice(i))).toBe(whole);
        }
      }
    }
  });

  it('gives the same hash with a kept prefix state, whether the prefix is reused or replaced', () => {
    // fractional keeps the hash state of the seed's first part (the flag key) between calls.
    const prefix = new Murmur3Prefix();
    const firsts = ['fractional-flag', 'abc', '', 'x\ud83d', 'héllo', 'fractional-flag'];
    const seconds = ['user12@example.com', '\ude00y', '', 'z', '日本'];
    for (const a of firsts) {
      for (const b of seconds) {
        const whole = referenceMurmur3(Buffer.from(a + b, 'utf8'));
        expect(murmur3Utf8PairCached(prefix, a, b)).toBe(whole);
        expect(murmur3Utf8PairCached(prefix, a, b)).toBe(whole);
      }
    }
  });
});

describe('bucket arithmetic', () => {
  it('computes floor(hash × total / 2^32) exactly, beyond 2^53', () => {
    const cases: [number, number][] = [
      [0xffffffff, 2147483647],
      [0x80000000, 2147483647],
      [0xdeadbeef, 100],
      [1, 2147483647],
      [0xffffffff, 1],
      [123456789, 987654321],
      // Around the switch to the split computation (totals up to 2^21 multiply directly).
      [0xffffffff, 2 ** 21],
      [0xffffffff, 2 ** 21 + 1],
      [0xfffffffe, 2 ** 21 - 1],
      [0x9e3779b9, 100],
      [0x9e3779b9, 10000],
    ];
    for (const [hash, total] of cases) {
      expect(scaleToBucket(hash, total)).toBe(Number((BigInt(hash) * BigInt(total)) >> 32n));
    }
  });

  it('picks the first range whose cumulative weight exceeds the bucket', () => {
    const t = parseDistributions(
      [
        ['a', 1],
        ['b', 0],
        ['c', 1],
      ],
      0,
    );
    if (!t.ok) throw new Error(t.reason);
    expect(pickIndex(t.table, 0)).toBe(0);
    expect(pickIndex(t.table, 0x7fffffff)).toBe(0);
    expect(pickIndex(t.table, 0x80000000)).toBe(2);
    expect(pickIndex(t.table, 0xffffffff)).toBe(2);
  });
});

describe('fractional operator', () => {
  const quarters = [
    ['clubs', 25],
    ['diamonds', 25],
    ['hearts', 25],
    ['spades', 25],
  ];

  it('buckets non-ASCII keys by their UTF-8 bytes (golden, follows flagd)', () => {
    const rule = {
      fractional: [{ var: 'key' }, ...Array.from({ length: 100 }, (_, i) => [`b${i}`, 1])],
    };
    const r = compiled(rule);
    for (const [s, utf8] of GOLDEN) {
      const expected = `b${Number((BigInt(utf8) * 100n) >> 32n)}`;
      expect(r.evaluate(scope({ key: s }))).toBe(expected);
    }
    expect(r.evaluate(scope({ key: 'héllo' }))).toBe('b73');
    expect(r.evaluate(scope({ key: 'Świętopełk' }))).toBe('b18');
    expect(r.evaluate(scope({ key: '日本語' }))).toBe('b64');
    expect(r.evaluate(scope({ key: '😀' }))).toBe('b74');
  });

  it('uses flagKey + targetingKey (no separator) for the shorthand and for a null first operand', () => {
    const direct = run({ fractional: [{ var: 'seed' }, ...quarters] }, { seed: 'my-flagalice' });
    expect(run({ fractional: quarters }, { targetingKey: 'alice' }, 'my-flag')).toBe(direct);
    expect(run({ fractional: [null, ...quarters] }, { targetingKey: 'alice' }, 'my-flag')).toBe(
      direct,
    );
    // A var that finds nothing is null too: Go's jsonlogic evaluates operands first, so flagd
    // cannot tell it from a literal null and falls back to the implicit seed.
    expect(
      run({ fractional: [{ var: 'missing' }, ...quarters] }, { targetingKey: 'alice' }, 'my-flag'),
    ).toBe(direct);
  });

  it('returns null without a usable targetingKey for the implicit seed', () => {
    for (const targetingKey of [undefined, '', 42, true]) {
      const ctx = targetingKey === undefined ? {} : { targetingKey };
      expect(run({ fractional: quarters }, ctx)).toBeNull();
      expect(run({ fractional: [null, ['one']] }, ctx)).toBeNull(); // testbed targeting-null-flag
      expect(
        run({ fractional: [{ var: 'missing_key' }, ['one', 50], ['two', 50]] }, ctx),
      ).toBeNull();
    }
  });

  it('returns null for a non-string, non-array bucketing value', () => {
    expect(
      run({ fractional: [{ var: 'n' }, ...quarters] }, { n: 3, targetingKey: 'x' }),
    ).toBeNull();
    expect(
      run({ fractional: [{ var: 'b' }, ...quarters] }, { b: true, targetingKey: 'x' }),
    ).toBeNull();
    expect(
      run({ fractional: [{ var: 'o' }, ...quarters] }, { o: { a: 1 }, targetingKey: 'x' }),
    ).toBeNull();
  });

  it('validates distributions like flagd: default weight 1, clamp negatives, null otherwise', () => {
    const ctx = { targetingKey: 'any-user' };
    expect(run({ fractional: [['only']] }, ctx)).toBe('only');
    expect(run({ fractional: [{ var: 'targetingKey' }, ['one', -50], ['two', 100]] }, ctx)).toBe(
      'two',
    );
    expect(run({ fractional: [{ var: 'targetingKey' }, ['one', 0], ['two', 0]] }, ctx)).toBeNull();
    expect(
      run(
        {
          fractional: [
            ['a', 25.5],
            ['b', 25],
          ],
        },
        ctx,
      ),
    ).toBeNull();
    expect(
      run(
        {
          fractional: [
            ['a', '25'],
            ['b', 25],
          ],
        },
        ctx,
      ),
    ).toBeNull();
    expect(
      run(
        {
          fractional: [
            ['a', 2147483647],
            ['b', 1],
          ],
        },
        ctx,
      ),
    ).toBeNull();
    expect(run({ fractional: [['a', 2147483648]] }, ctx)).toBeNull();
    expect(run({ fractional: [[{ a: 1, b: 2 }, 1]] }, ctx)).toBeNull();
    expect(run({ fractional: ['seed', 'not-a-distribution'] }, ctx)).toBeNull();
    expect(run({ fractional: ['seed', []] }, ctx)).toBeNull();
    expect(run({ fractional: [] }, ctx)).toBeNull();
    expect(run({ fractional: ['seed'] }, ctx)).toBeNull();
  });

  it('returns non-string variants as they are (string, number, boolean, null)', () => {
    expect(run({ fractional: ['k', [true, 1]] })).toBe(true);
    expect(run({ fractional: ['k', [7, 1]] })).toBe(7);
    expect(run({ fractional: ['k', [null, 1]] })).toBeNull();
  });

  it('evaluates dynamic weights and variants', () => {
    const rule = {
      fractional: [
        { var: 'targetingKey' },
        ['red', { if: [{ '==': [{ var: 'tier' }, 'premium'] }, 100, 0] }],
        ['blue', 10],
      ],
    };
    expect(run(rule, { targetingKey: 'u', tier: 'basic' })).toBe('blue');
    expect(
      run({ fractional: [{ var: 'k' }, [{ var: 'color' }, 1]] }, { k: 'x', color: 'green' }),
    ).toBe('green');
  });

  it('gives the same answer in the precomputed (evaluate) and generic (explain) builds', () => {
    const rules = [
      { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'user' }] }, ...quarters] },
      { fractional: quarters },
      { fractional: [{ var: 'seed' }, ...quarters] },
    ];
    for (const rule of rules) {
      const r = compiled(rule, 'flag-x');
      for (let i = 0; i < 200; i++) {
        const s = scope(
          { user: `u${i}`, targetingKey: `t${i}`, seed: i % 7 === 0 ? [['z', 1]] : `s${i}` },
          'flag-x',
        );
        expect(r.explain(s).value).toBe(r.evaluate(s));
      }
    }
  });

  it('warns about argument shapes flagd only rejects at run time (schema negatives)', () => {
    const codes = (rule: unknown) => {
      const r = compile(rule as never);
      return r.warnings.map((w) => `${w.code} ${w.path}`);
    };
    expect(codes({ fractional: [['a', 25.5]] })).toEqual([
      'FRACTIONAL_WEIGHT flags.test-flag.targeting.fractional[0][1]',
    ]);
    expect(
      codes({
        fractional: [
          ['a', -1],
          ['b', 1],
        ],
      }),
    ).toEqual(['FRACTIONAL_NEGATIVE_WEIGHT flags.test-flag.targeting.fractional[0][1]']);
    expect(codes({ fractional: ['x', ['a', 1]] })).toEqual([
      'FRACTIONAL_BUCKET_KEY flags.test-flag.targeting.fractional[0]',
    ]);
    expect(codes({ fractional: [['a', 0]] })).toEqual([
      'FRACTIONAL_TOTAL_WEIGHT flags.test-flag.targeting',
    ]);
    expect(codes({ fractional: [{ var: 'k' }, ['a', 1], ['b', { var: 'w' }]] })).toEqual([]);
  });
});
