// sem_ver (open-feature/flagd:core/pkg/evaluator/semver.go): flagd strips v/V, prefixes `v` and
// uses golang.org/x/mod/semver (partial versions, prerelease order, build metadata ignored).
import {
  type SemVer,
  compareSemVer,
  formatSemVer,
  parseSemVer,
} from '../../src/targeting/semver.js';

const fmt = (v: SemVer | null) => (v === null ? null : formatSemVer(v));
import { compile, run } from './support.js';

const sv = (a: unknown, op: unknown, b: unknown) =>
  run({ sem_ver: [{ var: 'v' }, op as string, b as string] }, { v: a as string });

describe('parseSemVer', () => {
  it('accepts what x/mod/semver accepts after flagd normalisation', () => {
    expect(fmt(parseSemVer('1.2.3'))).toBe('v1.2.3');
    expect(fmt(parseSemVer('v1.2.3'))).toBe('v1.2.3');
    expect(fmt(parseSemVer('V1.2.3'))).toBe('v1.2.3');
    expect(fmt(parseSemVer('1'))).toBe('v1.0.0');
    expect(fmt(parseSemVer('1.2'))).toBe('v1.2.0');
    expect(fmt(parseSemVer(1))).toBe('v1.0.0');
    expect(fmt(parseSemVer(1.2))).toBe('v1.2.0');
    expect(fmt(parseSemVer('1.0.0-alpha.1+build.5'))).toBe('v1.0.0-alpha.1');
    expect(fmt(parseSemVer('1.0.0-0A.is-legal'))).toBe('v1.0.0-0A.is-legal');
  });

  it('rejects everything else', () => {
    for (const bad of [
      '2.0.0.0',
      'not-a-version',
      '',
      'v',
      '01.0.0',
      '1.02.0',
      '1.0.00',
      '1.2-beta',
      '1-beta',
      '1.0.0-',
      '1.0.0-01',
      '1.0.0-a..b',
      '1.0.0+',
      '1.0.0+a_b',
      'vv1.0.0',
      ' 1.0.0',
      '1.0.0 ',
      '1.',
      null,
      true,
      [1],
      { a: 1 },
      Number.NaN,
    ]) {
      expect(parseSemVer(bad)).toBeNull();
    }
  });

  it('orders prereleases per semver 2.0.0 and ignores build metadata', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 0; i + 1 < order.length; i++) {
      const a = parseSemVer(order[i]);
      const b = parseSemVer(order[i + 1]);
      if (a === null || b === null) throw new Error('parse');
      expect(compareSemVer(a, b)).toBe(-1);
      expect(compareSemVer(b, a)).toBe(1);
    }
    const x = parseSemVer('1.0.0+a');
    const y = parseSemVer('1.0.0+b');
    if (x === null || y === null) throw new Error('parse');
    expect(compareSemVer(x, y)).toBe(0);
    const big = parseSemVer('100000000000000000000001.0.0');
    const small = parseSemVer('99999999999999999999999.0.0');
    if (big === null || small === null) throw new Error('parse');
    expect(compareSemVer(big, small)).toBe(1);
  });
});

describe('sem_ver operator', () => {
  it('implements = != < <= > >= ^ ~', () => {
    expect(sv('2.0.0', '=', '2.0.0')).toBe(true);
    expect(sv('2.0.0', '!=', '2.0.1')).toBe(true);
    expect(sv('1.9.0', '<', '2.0.0')).toBe(true);
    expect(sv('2.0.0-alpha', '<', '2.0.0')).toBe(true);
    expect(sv('2.0.0', '<=', '2.0.0')).toBe(true);
    expect(sv('2.1.0', '>', '2.0.0')).toBe(true);
    expect(sv('2.0.0', '>=', '2.0.1')).toBe(false);
    expect(sv('3.9.9', '^', '3.0.0')).toBe(true);
    expect(sv('4.0.0', '^', '3.0.0')).toBe(false);
    expect(sv('3.0.9', '~', '3.0.0')).toBe(true);
    expect(sv('3.1.0', '~', '3.0.0')).toBe(false);
    expect(sv('1.0.0+build', '=', '1.0.0')).toBe(true);
    expect(sv('1', '=', '1.0.0')).toBe(true);
    expect(sv(1.2, '>', '1.1')).toBe(true);
    expect(sv(2, '>', '1.1')).toBe(true);
  });

  it('returns null for invalid versions, unknown operators and wrong arity', () => {
    expect(sv('not-a-version', '=', '1.0.0')).toBeNull();
    expect(sv('2.0.0.0', '=', '2.0.0')).toBeNull();
    expect(sv('1.0.0', '===', '1.0.0')).toBeNull();
    expect(sv('1.0.0', '*', '1.0.0')).toBeNull();
    expect(sv(null, '=', '1.0.0')).toBeNull();
    expect(run({ sem_ver: [{ var: 'v' }, '='] }, { v: '1.0.0' })).toBeNull();
    expect(run({ sem_ver: ['1.0.0', '=', '1.0.0', '1.0.0'] })).toBeNull();
    expect(run({ sem_ver: [{ var: 'v' }, { var: 'op' }, '1.0.0'] }, { v: '1.0.0', op: '>=' })).toBe(
      true,
    );
    expect(
      run({ sem_ver: [{ var: 'v' }, { var: 'op' }, '1.0.0'] }, { v: '1.0.0', op: 'gte' }),
    ).toBeNull();
  });

  it('warns at compile time for shapes flagd rejects at run time', () => {
    const codes = (rule: unknown) =>
      compile(rule as never).warnings.map((w) => `${w.code} ${w.path}`);
    expect(codes({ sem_ver: [{ var: 'v' }, '='] })).toEqual([
      'SEM_VER_ARGUMENTS flags.test-flag.targeting',
    ]);
    expect(codes({ sem_ver: [{ var: 'v' }, '*', '2.0.0'] })).toEqual([
      'SEM_VER_OPERATOR flags.test-flag.targeting.sem_ver[1]',
    ]);
    expect(codes({ sem_ver: [{ var: 'v' }, '=', '2.0.0.0'] })).toEqual([
      'SEM_VER_VERSION flags.test-flag.targeting.sem_ver[2]',
    ]);
    expect(codes({ sem_ver: [{ var: 'v' }, '^', 'v1'] })).toEqual([]);
  });
});
