// `switchyard eval`: value, variant, reason, and with --explain the trace in
// readable form (operators, operands, results; fractional bucketing input, hash, bucket, ranges).
import { join } from 'node:path';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, runEval } from '../src/index.js';
import { captureIo, FIXTURES } from './helpers.js';

const DIR = join(FIXTURES, 'eval');

async function evalCmd(args: string[], cwd = DIR) {
  const io = captureIo(cwd);
  const code = await runEval(args, io);
  return { code, out: io.out(), err: io.err() };
}

test('without --explain: value, variant, reason (./flags by default)', async () => {
  const r = await evalCmd([
    'new-search',
    '--context',
    '{"targetingKey":"u1","email":"ann@example.com"}',
  ]);
  expect(r.code).toBe(EXIT_OK);
  expect(r.out).toBe(
    [
      'flag:     new-search',
      'value:    true',
      'variant:  on',
      'reason:   TARGETING_MATCH',
      'metadata:',
      '  owner: "team-search"',
      '',
    ].join('\n'),
  );
});

test('--explain: indented trace with operands and results', async () => {
  const r = await evalCmd([
    'new-search',
    '--explain',
    '--context',
    '{"targetingKey":"u1","email":"ann@example.com"}',
  ]);
  const lines = r.out.split('\n');
  expect(lines).toContain('why: targeting returned "on" → variant "on"');
  expect(lines).toContain('  if(true, "on") → "on"    @ targeting');
  expect(lines).toContain(
    '    ends_with("ann@example.com", "@example.com") → true    @ targeting.if[0]',
  );
  expect(lines).toContain(
    '      var("email") → "ann@example.com"    @ targeting.if[0].ends_with[0]',
  );
});

test('--explain on fractional: bucketing value, hash, bucket and ranges', async () => {
  const r = await evalCmd(['new-search', '--explain', '--context', '{"targetingKey":"u1"}']);
  expect(r.code).toBe(EXIT_OK);
  // flagd: the bucketing value is flagKey + targetingKey, bucket = (murmur3 × 100) >> 32.
  expect(r.out).toMatch(/fractional\(\["on",20\], \["off",80\]\) → "(on|off)"/);
  expect(r.out).toContain('bucketing value "new-searchu1" (flagKey + targetingKey)');
  const m = /murmur3 hash (\d+) → bucket (\d+) of 100/.exec(r.out);
  expect(m).not.toBeNull();
  const [hash, bucket] = [Number(m![1]), Number(m![2])];
  expect(bucket).toBe(Number((BigInt(hash) * 100n) >> 32n));
  expect(r.out).toContain('"on" [0, 20) weight 20');
  expect(r.out).toContain('"off" [20, 100) weight 80');
  expect(r.out).toMatch(/▶ "(on|off)" \[\d+, \d+\) weight \d+ ← chosen/);
});

test('--format json carries the result and the trace tree', async () => {
  const r = await evalCmd([
    'new-search',
    '--explain',
    '--format',
    'json',
    '--uri',
    'file:flags/flags.json',
    '--context',
    '{"targetingKey":"u1"}',
  ]);
  const report = JSON.parse(r.out);
  expect(report).toMatchObject({ flagKey: 'new-search', reason: 'TARGETING_MATCH' });
  expect(report.trace.rule.op).toBe('if');
  const fractional = report.trace.rule.children.find((c: { op: string }) => c.op === 'fractional');
  expect(fractional.detail).toMatchObject({ bucketingValue: 'new-searchu1', totalWeight: 100 });
});

test('static, disabled and missing flags', async () => {
  const s = await evalCmd(['greeting']);
  expect(s.out).toContain('value:    "Good day"');
  expect(s.out).toContain('reason:   STATIC');
  const d = await evalCmd(['retired', '--explain']);
  expect(d.out).toContain('reason:   DISABLED');
  expect(d.out).toContain('value:    (code default)');
  const missing = await evalCmd(['nope']);
  expect(missing.code).toBe(EXIT_PROBLEMS);
  expect(missing.out).toContain('error:    FLAG_NOT_FOUND');
});

test.each([
  [['new-search', '--context', '{not json'], /--context is not JSON/],
  [['new-search', '--context', '[1]'], /JSON object/],
  [[], /exactly one FLAG/],
  [['x', '--uri', 'https://example.com/flags.json'], /local files only/],
])('usage errors exit 2: %j', async (args, message) => {
  const r = await evalCmd(args);
  expect(r.code).toBe(EXIT_USAGE);
  expect(r.err).toMatch(message);
});

test('no ./flags and no --uri is an input error', async () => {
  const r = await evalCmd(['x'], FIXTURES);
  expect(r.code).toBe(EXIT_USAGE);
  expect(r.err).toMatch(/--uri file:PATH/);
});

describe('a file the daemon serves with a rule error (an unknown operator)', () => {
  const served = join(DIR, 'served');

  test('the other flags are explained; the broken one is named on stderr', async () => {
    const r = await evalCmd(['checkout', '--explain', '--context', '{"plan":"pro"}'], served);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('variant:  on');
    expect(r.out).toContain('why: targeting returned "on" → variant "on"');
    expect(r.err).toContain('served with a rule error');
    expect(r.err).toMatch(/flags\/flags\.json:\d+:\d+: error UNKNOWN_OPERATOR flags\.regex-gate/);
  });

  test('the broken flag evaluates to PARSE_ERROR with its error, as the daemon answers', async () => {
    const r = await evalCmd(['regex-gate', '--explain'], served);
    expect(r.code).toBe(EXIT_PROBLEMS);
    expect(r.out).toContain('reason:   ERROR');
    expect(r.out).toMatch(/error: {4}PARSE_ERROR: .*regex_match/);
  });

  test('metadata is printed in full, one entry per line', async () => {
    const r = await evalCmd(['checkout'], served);
    expect(r.out).toContain(
      [
        'metadata:',
        '  owner:       "team-checkout"',
        '  description: "Release: the new checkout, for pro plans first, then everyone by the end of the quarter"',
      ].join('\n'),
    );
  });
});
