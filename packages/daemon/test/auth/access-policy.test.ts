// The --auth-config file and the one decision: validation names file and JSON path for every
// problem; a token (plain or its digest) or a certificate subject picks its client; a client
// is served exactly the union of its sets without a selector and never a selector it was not
// given (property-based over random clients, tokens and requests).
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { AccessPolicy, refused } from '../../src/auth/access-policy.js';
import type { Credentials } from '../../src/auth/access-policy.js';
import { parseAuthConfig } from '../../src/auth/auth-config.js';
import { AuthConfigError } from '../../src/errors/auth-config-error.js';
import { createMetrics } from '../../src/metrics.js';
import { ALL_FLAGS, parseSelector } from '../../src/store/selector.js';
import { pino } from 'pino';

const FILE = '/etc/switchyard/auth.json';
const problems = (document: unknown) => {
  try {
    parseAuthConfig(FILE, JSON.stringify(document));
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

const policy = (document: unknown) =>
  new AccessPolicy(parseAuthConfig(FILE, JSON.stringify(document)), {
    metrics: createMetrics(),
    logger: pino({ level: 'silent' }),
  });

const withToken = (token: string | undefined): Credentials => ({
  authorization: token === undefined ? undefined : `Bearer ${token}`,
  subject: () => undefined,
});

describe('validation', () => {
  test('every problem, each with the file and its JSON path', () => {
    const message = problems({
      clients: [
        { id: 'a', token: 'short', selectors: ['flagSetId=a'] },
        { id: 'a', token: 'sha256:xyz', selectors: [] },
        { id: 'c', selectors: ['color=red', 7], operator: true, extra: 1 },
        'nope',
      ],
      other: true,
    });
    for (const line of [
      `${FILE}: $.clients[0].token: must be at least 16 characters`,
      `${FILE}: $.clients[1].id: "a" is used by an earlier client`,
      `${FILE}: $.clients[1].selectors: must be a non-empty array`,
      `${FILE}: $.clients[2].extra: unknown field`,
      `${FILE}: $.clients[2]: needs a credential`,
      `${FILE}: $.clients[2].selectors[0]: unsupported selector key "color"`,
      `${FILE}: $.clients[2].selectors[1]: must be a non-empty string`,
      `${FILE}: $.clients[2].operator: an operator reads every flag`,
      `${FILE}: $.clients[3]: must be an object`,
      `${FILE}: $.other: unknown field`,
    ]) {
      expect(message).toContain(line);
    }
    expect(message).toMatch(/^AUTH_CONFIG_INVALID: /);
    // "sha256:xyz" is not a digest; it is checked as a plain token, and never echoed.
    expect(message).not.toContain('xyz');
  });

  test('not JSON, and YAML by the extension', () => {
    expect(() => parseAuthConfig(FILE, '{"clients": [')).toThrow(`${FILE}: $: not valid JSON`);
    const yaml = parseAuthConfig(
      '/x/auth.yaml',
      'clients:\n  - id: a\n    token: aaaaaaaaaaaaaaaaaaaa\n    selectors: ["*"]\n',
    );
    expect(yaml.clients.map((c) => c.id)).toEqual(['a']);
  });

  test('the same token twice is refused (it could not say which client it is)', () => {
    const token = 'the-same-token-0123456789';
    const digest = createHash('sha256').update(token).digest('hex');
    expect(
      problems({
        clients: [
          { id: 'a', token, selectors: ['*'] },
          { id: 'b', token: `sha256:${digest.toUpperCase()}`, selectors: ['*'] },
        ],
      }),
    ).toContain('$.clients[1].token: is the token of an earlier client');
  });
});

describe('the decision', () => {
  const token = 'team-a-token-0123456789abcdef';
  const p = policy({
    clients: [
      { id: 'a', token, selectors: ['flagSetId=team-a', 'source=ops.yaml'] },
      { id: 'edge', subject: 'CN=edge-1,O=acme', selectors: ['*'] },
    ],
  });

  test('no credential, an unknown token, a malformed header: UNAUTHENTICATED', () => {
    for (const header of [undefined, 'Bearer nope-nope-nope-nope', 'Basic abc', 'Bearer']) {
      const decision = p.authorize(
        { authorization: header, subject: () => undefined },
        ALL_FLAGS,
        'ofrep',
      );
      expect(refused(decision) && decision.code).toBe('UNAUTHENTICATED');
    }
  });

  test('a token: its union without a selector, each of its selectors, nothing else', () => {
    const all = p.authorize(withToken(token), ALL_FLAGS, 'sync');
    expect(!refused(all) && all.selector.key).toBe('any(set=team-a|src=ops.yaml)');
    const one = p.authorize(withToken(token), parseSelector('ops.yaml'), 'sync');
    expect(!refused(one) && one.selector.key).toBe('src=ops.yaml');
    const other = p.authorize(withToken(token), parseSelector('flagSetId=team-b'), 'sync');
    expect(refused(other) && other.code).toBe('PERMISSION_DENIED');
    // The scheme is case-insensitive (RFC 6750 §2.1).
    expect(
      refused(
        p.authorize(
          { authorization: `bearer ${token}`, subject: () => undefined },
          ALL_FLAGS,
          'sync',
        ),
      ),
    ).toBe(false);
  });

  test('a certificate subject, matched on the attributes the client lists', () => {
    const cert = (subject: Record<string, string>): Credentials => ({
      authorization: undefined,
      subject: () => subject,
    });
    const edge = p.authenticate(cert({ CN: 'edge-1', O: 'acme', C: 'DE' }), 'sync');
    expect(!refused(edge) && edge.id).toBe('edge');
    expect(refused(p.authenticate(cert({ CN: 'edge-1', O: 'other' }), 'sync'))).toBe(true);
  });

  test('property: a client is never served a selector outside its own; each token finds its client', () => {
    const setIds = fc.constantFrom('a', 'b', 'c', 'd');
    const selectorOf = (id: string) => `flagSetId=${id}`;
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            token: fc.string({ minLength: 16, maxLength: 40 }).filter((t) => !/\s/.test(t)),
            sets: fc.uniqueArray(setIds, { minLength: 1, maxLength: 3 }),
          }),
          { minLength: 1, maxLength: 5, selector: (c) => c.token },
        ),
        fc.array(fc.tuple(fc.nat(10), fc.option(setIds, { nil: undefined }))),
        (entries, requests) => {
          const q = policy({
            clients: entries.map((e, i) => ({
              id: `c${i}`,
              token: e.token,
              selectors: e.sets.map(selectorOf),
            })),
          });
          for (const [index, set] of requests) {
            const entry = entries[index % entries.length]!;
            const requested = set === undefined ? ALL_FLAGS : parseSelector(selectorOf(set));
            const decision = q.authorize(withToken(entry.token), requested, 'evaluation');
            if (refused(decision)) {
              expect(decision.code).toBe('PERMISSION_DENIED');
              expect(set !== undefined && !entry.sets.includes(set)).toBe(true);
            } else {
              expect(decision.client.id).toBe(`c${entries.indexOf(entry)}`);
              const served =
                decision.selector.kind === 'any'
                  ? decision.selector.members.map((m) => m.key)
                  : [decision.selector.key];
              expect(served.sort()).toEqual(
                (set === undefined ? entry.sets : [set]).map((s) => `set=${s}`).sort(),
              );
            }
          }
        },
      ),
    );
  });
});
