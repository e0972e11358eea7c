// Standard JSONLogic operators with flagd's semantics (json-logic-js where the JavaScript
// libraries agree; flagd's Go library where they differ — see the comments in src/targeting).
import { run, scope, compiled } from './support.js';

describe('var', () => {
  const ctx = { a: { b: { c: 1 } }, list: [10, 20, { x: 'y' }], n: null, email: 'e@x', zero: 0 };

  it('reads dotted paths, array indexes and defaults', () => {
    expect(run({ var: 'a.b.c' }, ctx)).toBe(1);
    expect(run({ var: ['a.b.c'] }, ctx)).toBe(1);
    expect(run({ var: 'list.1' }, ctx)).toBe(20);
    expect(run({ var: 'list.2.x' }, ctx)).toBe('y');
    expect(run({ var: 1 }, { 1: 'one' })).toBe('one');
    expect(run({ var: ['missing', 'dflt'] }, ctx)).toBe('dflt');
    expect(run({ var: ['a.x.y', 5] }, ctx)).toBe(5);
    expect(run({ var: 'missing' }, ctx)).toBeNull();
    expect(run({ var: 'n' }, ctx)).toBeNull();
    expect(run({ var: ['n', 'dflt'] }, ctx)).toBeNull(); // found null is not "missing" (json-logic-js)
    expect(run({ var: ['n.deeper', 'dflt'] }, ctx)).toBe('dflt');
    expect(run({ var: 'zero' }, ctx)).toBe(0);
    expect(run({ var: 'list.01' }, ctx)).toBeNull();
    expect(run({ var: 'email.length' }, ctx)).toBeNull(); // strings are not traversed
  });

  it('returns the whole data for "" and []', () => {
    const whole = run({ var: '' }, { a: 1 }) as Record<string, unknown>;
    expect(whole.a).toBe(1);
    expect(whole.$flagd).toEqual({ flagKey: 'test-flag', timestamp: 1_700_000_000 });
    expect(run({ var: [] }, { a: 1 })).toMatchObject({ a: 1 });
  });

  it('evaluates dynamic paths and defaults', () => {
    expect(run({ var: { cat: ['a.', 'b.c'] } }, ctx)).toBe(1);
    expect(run({ var: ['nope', { var: 'email' }] }, ctx)).toBe('e@x');
  });

  it('prefers the caller context over the base context (shallow merge)', () => {
    const r = compiled({ cat: [{ var: 'a' }, { var: 'b' }, { var: 'c.d' }] });
    expect(r.evaluate(scope({ a: 'A', c: {} }, 'f', { a: 'base', b: 'B', c: { d: 'D' } }))).toBe(
      'AB',
    );
    expect(r.evaluate(scope({ a: undefined }, 'f', { a: 'base' }))).toBe('base');
  });

  it('serves $flagd from the scope and shadows a user-supplied $flagd', () => {
    const ctx2 = { $flagd: { flagKey: 'evil', timestamp: 1 } };
    expect(run({ var: '$flagd.flagKey' }, ctx2, 'real-key')).toBe('real-key');
    expect(run({ var: '$flagd.timestamp' }, ctx2)).toBe(1_700_000_000);
    expect(run({ var: '$flagd' }, ctx2, 'k')).toEqual({ flagKey: 'k', timestamp: 1_700_000_000 });
    expect(run({ var: ['$flagd.other', 'd'] }, ctx2)).toBe('d');
    expect(run({ var: { cat: ['$flagd', '.flagKey'] } }, ctx2, 'real-key')).toBe('real-key');
  });

  it('reads the timestamp lazily, only when the rule needs it', () => {
    let calls = 0;
    const r = compiled({ if: [{ var: 'x' }, { var: '$flagd.timestamp' }, 'no'] });
    const s = {
      context: { x: false },
      baseContext: undefined,
      flagKey: 'f',
      timestamp: () => ++calls,
      steps: 0,
    };
    expect(r.evaluate(s)).toBe('no');
    expect(calls).toBe(0);
  });

  it('sees Dates as ISO strings', () => {
    const d = new Date('2024-01-02T03:04:05.000Z');
    expect(run({ var: 'd' }, { d })).toBe('2024-01-02T03:04:05.000Z');
    expect(run({ '==': [{ var: 'd' }, '2024-01-02T03:04:05.000Z'] }, { d })).toBe(true);
    expect(run({ var: 'd' }, { d: new Date(Number.NaN) })).toBeNull();
  });
});

describe('missing / missing_some', () => {
  it('lists keys that are absent, null or ""', () => {
    expect(
      run({ missing: ['a', 'b', 'c.d', 'e'] }, { a: 1, b: null, c: { d: 'x' }, e: '' }),
    ).toEqual(['b', 'e']);
    expect(run({ missing: 'a' }, {})).toEqual(['a']);
    expect(run({ missing: { merge: [['a'], 'b'] } }, { b: 1 })).toEqual(['a']);
    expect(run({ missing: [] }, {})).toEqual([]);
  });

  it('missing_some returns [] when enough keys are present', () => {
    expect(run({ missing_some: [1, ['a', 'b', 'c']] }, { a: 1 })).toEqual([]);
    expect(run({ missing_some: [2, ['a', 'b', 'c']] }, { a: 1 })).toEqual(['b', 'c']);
    expect(run({ missing_some: [0, ['a']] }, {})).toEqual([]);
  });
});

describe('if / ?:', () => {
  it('handles chains, missing else and a single operand', () => {
    expect(run({ if: [true, 'yes', 'no'] })).toBe('yes');
    expect(run({ if: [false, 'yes', 'no'] })).toBe('no');
    expect(run({ if: [false, 'yes'] })).toBeNull();
    expect(run({ if: [[], 'yes', 'no'] })).toBe('no');
    expect(run({ if: [false, 'a', false, 'b', true, 'c'] })).toBe('c');
    expect(run({ if: [false, 'a', false, 'b', 'else'] })).toBe('else');
    expect(run({ if: [false, 'a', false, 'b'] })).toBeNull();
    expect(run({ if: [true] })).toBe(true);
    expect(run({ if: [] })).toBeNull();
    expect(run({ '?:': [{ var: 'x' }, 1, 2] }, { x: '0' })).toBe(1); // "0" is truthy
  });

  it('does not evaluate branches that are not taken', () => {
    let calls = 0;
    const r = compiled({ if: [true, 'a', { var: '$flagd.timestamp' }] });
    r.evaluate({
      context: {},
      baseContext: undefined,
      flagKey: 'f',
      timestamp: () => ++calls,
      steps: 0,
    });
    expect(calls).toBe(0);
  });
});

describe('truthiness: !, !!, and, or', () => {
  it('treats an empty array as falsy', () => {
    expect(run({ '!!': [[]] })).toBe(false);
    expect(run({ '!!': [[0]] })).toBe(true);
    expect(run({ '!!': ['0'] })).toBe(true);
    expect(run({ '!!': [''] })).toBe(false);
    expect(run({ '!!': [0] })).toBe(false);
    expect(run({ '!!': [{}] })).toBe(true);
    expect(run({ '!': [null] })).toBe(true);
    expect(run({ '!': true })).toBe(false);
    expect(run({ '!': [[]] })).toBe(true);
  });

  it('and/or return the deciding operand and short-circuit', () => {
    expect(run({ and: [true, 'a', 3] })).toBe(3);
    expect(run({ and: [true, '', 3] })).toBe('');
    expect(run({ or: [false, 0, 'a'] })).toBe('a');
    expect(run({ or: [false, 0] })).toBe(0);
    expect(run({ or: [] })).toBeNull();
    expect(run({ and: [] })).toBeNull();
    expect(run({ and: [false, 0, 1] })).toBe(false);
    let calls = 0;
    const r = compiled({ or: [true, { var: '$flagd.timestamp' }] });
    r.evaluate({
      context: {},
      baseContext: undefined,
      flagKey: 'f',
      timestamp: () => ++calls,
      steps: 0,
    });
    expect(calls).toBe(0);
  });
});

describe('equality', () => {
  it('uses JavaScript loose equality for == and !=', () => {
    expect(run({ '==': [1, '1'] })).toBe(true);
    expect(run({ '==': [0, false] })).toBe(true);
    expect(run({ '==': [null, 0] })).toBe(false);
    expect(run({ '==': [null, { var: 'missing' }] })).toBe(true);
    expect(run({ '==': [[1], 1] })).toBe(true);
    expect(run({ '==': ['', 0] })).toBe(true);
    expect(run({ '!=': [1, '1'] })).toBe(false);
    expect(run({ '==': [{ var: 'x' }, 'a'] }, { x: 'a' })).toBe(true);
    expect(run({ '==': ['a', { var: 'x' }] }, { x: 'b' })).toBe(false);
    // A string/number literal against a value of another type still uses loose equality.
    expect(run({ '==': [{ var: 'x' }, '1'] }, { x: 1 })).toBe(true);
    expect(run({ '==': [{ var: 'x' }, 1] }, { x: '1' })).toBe(true);
    expect(run({ '==': [{ var: 'x' }, 1] }, { x: true })).toBe(true);
    expect(run({ '!=': [{ var: 'x' }, 'a'] }, { x: 'a' })).toBe(false);
    expect(run({ '!=': [{ var: 'x' }, 0] }, { x: '' })).toBe(false);
    expect(run({ '!=': [{ var: 'x' }, 2] }, { x: 3 })).toBe(true);
    expect(run({ '===': [{ var: 'x' }, 1] }, { x: '1' })).toBe(false);
    expect(run({ '!==': [1, { var: 'x' }] }, { x: 1 })).toBe(false);
  });

  it('uses strict equality for === and !==', () => {
    expect(run({ '===': [1, '1'] })).toBe(false);
    expect(run({ '===': [1, 1] })).toBe(true);
    expect(run({ '!==': [1, '1'] })).toBe(true);
    expect(run({ '!==': [{ var: 'x' }, 2] }, { x: 2 })).toBe(false);
  });
});

describe('ordering', () => {
  it('compares two operands and supports the between form', () => {
    expect(run({ '<': [1, 2] })).toBe(true);
    expect(run({ '<': [1, 2, 3] })).toBe(true);
    expect(run({ '<': [1, 1, 3] })).toBe(false);
    expect(run({ '<': [1, 4, 3] })).toBe(false);
    expect(run({ '<=': [1, 1, 3] })).toBe(true);
    expect(run({ '<=': [1, 4, 3] })).toBe(false);
    expect(run({ '>': [2, 1] })).toBe(true);
    expect(run({ '>=': [1, 1] })).toBe(true);
    expect(run({ '>': ['b', 'a'] })).toBe(true);
    expect(run({ '<': ['2', 10] })).toBe(true);
    expect(run({ '<': [{ var: 'age' }, 18] }, {})).toBe(true); // null < 18 in JavaScript
  });
});

describe('arithmetic', () => {
  it('+ - * / % with JSONLogic coercion', () => {
    expect(run({ '+': [4, 2] })).toBe(6);
    expect(run({ '+': [2, 2, 2, 2, 2] })).toBe(10);
    expect(run({ '+': ['3.14'] })).toBe(3.14);
    expect(run({ '+': [] })).toBe(0);
    expect(run({ '-': [4, 2] })).toBe(2);
    expect(run({ '-': [2] })).toBe(-2);
    expect(run({ '*': [2, '3'] })).toBe(6);
    expect(run({ '*': [2, 2, 2] })).toBe(8);
    expect(run({ '/': [4, 2] })).toBe(2);
    expect(run({ '/': [1, 0] })).toBe(Number.POSITIVE_INFINITY);
    expect(run({ '%': [101, 2] })).toBe(1);
    expect(Number.isNaN(run({ '+': [1, 'abc'] }))).toBe(true);
    expect(Number.isNaN(run({ '+': [1, { var: 'o' }] }, { o: { a: 1 } }))).toBe(true);
  });

  it('max / min', () => {
    expect(run({ max: [1, 3, 2] })).toBe(3);
    expect(run({ min: [1, 3, 2] })).toBe(1);
    expect(run({ max: [] })).toBeNull();
  });
});

describe('strings', () => {
  it('in: substring for strings, membership for arrays', () => {
    expect(run({ in: ['Spring', 'Springfield'] })).toBe(true);
    expect(run({ in: ['spring', 'Springfield'] })).toBe(false);
    expect(run({ in: ['Ringo', ['John', 'Paul', 'George', 'Ringo']] })).toBe(true);
    expect(run({ in: [{ var: 'x' }, ['a', 'b', 1]] }, { x: 1 })).toBe(true);
    expect(run({ in: [{ var: 'x' }, ['a', 'b', 1]] }, { x: '1' })).toBe(false);
    // Lists longer than the linear-scan limit go through a Set: same results.
    const long = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 1];
    expect(run({ in: [{ var: 'x' }, long] }, { x: 1 })).toBe(true);
    expect(run({ in: [{ var: 'x' }, long] }, { x: '1' })).toBe(false);
    expect(run({ in: [{ var: 'x' }, long] }, { x: 'i' })).toBe(true);
    expect(run({ in: [{ var: 'x' }, [{ var: 'y' }, 'b']] }, { x: 'z', y: 'z' })).toBe(true);
    expect(run({ in: ['a', { var: 'missing' }] })).toBe(false);
    expect(run({ in: ['a', 5] })).toBe(false);
    expect(run({ in: [1, 'a1'] })).toBe(true);
  });

  it('cat and substr (negative start/length)', () => {
    expect(run({ cat: ['I love', ' pie'] })).toBe('I love pie');
    expect(run({ cat: ['a', null, 1, true] })).toBe('a1true');
    expect(run({ cat: 'solo' })).toBe('solo');
    expect(run({ substr: ['jsonlogic', 4] })).toBe('logic');
    expect(run({ substr: ['jsonlogic', -5] })).toBe('logic');
    expect(run({ substr: ['jsonlogic', 1, 3] })).toBe('son');
    expect(run({ substr: ['jsonlogic', 4, -2] })).toBe('log');
    expect(run({ substr: ['jsonlogic', -5, -2] })).toBe('log');
    expect(run({ substr: ['abc', 10] })).toBe('');
    expect(run({ substr: ['abc', -10] })).toBe('abc');
  });
});

describe('arrays', () => {
  const integers = [1, 2, 3, 4, 5];

  it('merge flattens one level', () => {
    expect(
      run({
        merge: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toEqual([1, 2, 3, 4]);
    expect(run({ merge: [1, 2, [3, 4]] })).toEqual([1, 2, 3, 4]);
    expect(run({ merge: [[1, [2]], [[3]]] })).toEqual([1, [2], [3]]);
    expect(run({ merge: [] })).toEqual([]);
  });

  it('map / filter / reduce', () => {
    expect(run({ map: [{ var: 'integers' }, { '*': [{ var: '' }, 2] }] }, { integers })).toEqual([
      2, 4, 6, 8, 10,
    ]);
    expect(run({ filter: [{ var: 'integers' }, { '%': [{ var: '' }, 2] }] }, { integers })).toEqual(
      [1, 3, 5],
    );
    expect(
      run(
        { reduce: [{ var: 'integers' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] },
        { integers },
      ),
    ).toBe(15);
    expect(run({ reduce: [{ var: 'missing' }, { '+': [1, 1] }, 7] })).toBe(7);
    expect(run({ map: [{ var: 'missing' }, 1] })).toEqual([]);
    expect(run({ filter: ['abc', true] })).toEqual([]);
  });

  it('all / none / some with empty-array semantics of json-logic-js', () => {
    expect(run({ all: [[1, 2, 3], { '>': [{ var: '' }, 0] }] })).toBe(true);
    expect(run({ all: [[1, -2], { '>': [{ var: '' }, 0] }] })).toBe(false);
    expect(run({ all: [[], true] })).toBe(false);
    expect(run({ some: [[-1, 0, 1], { '>': [{ var: '' }, 0] }] })).toBe(true);
    expect(run({ some: [[], true] })).toBe(false);
    expect(run({ none: [[-3, -2, -1], { '>': [{ var: '' }, 0] }] })).toBe(true);
    expect(run({ none: [[], true] })).toBe(true);
    expect(
      run(
        { some: [{ var: 'pies' }, { '==': [{ var: 'filling' }, 'apple'] }] },
        { pies: [{ filling: 'apple' }] },
      ),
    ).toBe(true);
    expect(run({ all: [{ var: 'missing' }, true] })).toBe(false);
    expect(run({ none: [{ var: 'missing' }, true] })).toBe(true);
  });

  it('evaluates arrays element-wise', () => {
    expect(run([1, { var: 'x' }, [{ var: 'y' }]], { x: 'X', y: 'Y' })).toEqual([1, 'X', ['Y']]);
  });
});

describe('starts_with / ends_with', () => {
  it('compares two strings, case-sensitively', () => {
    expect(run({ starts_with: [{ var: 'id' }, 'abc'] }, { id: 'abcdef' })).toBe(true);
    expect(run({ starts_with: [{ var: 'id' }, 'ABC'] }, { id: 'abcdef' })).toBe(false);
    expect(run({ ends_with: [{ var: 'id' }, 'def'] }, { id: 'abcdef' })).toBe(true);
    expect(run({ ends_with: [{ var: 'id' }, 'xyz'] }, { id: 'abcdef' })).toBe(false);
  });

  it('returns null for non-strings and wrong arity (testbed @operator-errors)', () => {
    expect(run({ starts_with: [{ var: 'num' }, 'abc'] }, { num: 123 })).toBeNull();
    expect(run({ ends_with: [{ var: 'id' }, 3] }, { id: 'abc3' })).toBeNull();
    expect(run({ starts_with: ['abc'] })).toBeNull();
    expect(run({ ends_with: ['a', 'b', 'c'] })).toBeNull();
    expect(run({ starts_with: [{ var: 'missing' }, 'a'] })).toBeNull();
  });
});
