// Property: the Connect unary JSON fast path (connect-unary.ts) answers every request body exactly
// as the @connectrpc/connect router does — status, content type and bytes — for arbitrary
// bodies: known and unknown flag keys, contexts of any JSON (prototype keys, deep nesting, huge and
// tiny numbers, unicode), wrong field types, unknown fields, and text that is not JSON at all.
// A `connect-timeout-ms` header sends the same call through the router.
import fc from 'fast-check';
import { FLAGS, httpCall, startRemoteDaemon } from './helpers.js';
import type { RemoteDaemon } from './helpers.js';

let d: RemoteDaemon;
beforeAll(async () => {
  d = await startRemoteDaemon();
});
afterAll(async () => {
  await d.close();
});

/** The status, content type and text of a POST to the evaluation port. */
async function post(path: string, body: string, headers: Record<string, string>) {
  const port = d.daemon.ports.evaluation!;
  const answer = await httpCall(port, path, { body, headers });
  return { status: answer.status, type: answer.headers['content-type'], body: answer.text };
}

const METHODS = [
  '/flagd.evaluation.v1.Service/ResolveBoolean',
  '/flagd.evaluation.v1.Service/ResolveString',
  '/flagd.evaluation.v1.Service/ResolveInt',
  '/flagd.evaluation.v1.Service/ResolveAll',
  '/flagd.evaluation.v2.Service/ResolveFloat',
  '/flagd.evaluation.v2.Service/ResolveObject',
  '/flagd.evaluation.v2.Service/ResolveString',
];

const key = fc.oneof(
  fc.constantFrom(...Object.keys(FLAGS.flags), 'no-such-flag', ''),
  fc.string({ maxLength: 12 }),
);
const awkwardKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'toString',
  '$flagd',
  'targetingKey',
);
const value = fc.jsonValue({ maxDepth: 4 });
const anyText = fc.string({ unit: 'binary', maxLength: 8 }); // lone surrogates included
const context = fc.dictionary(fc.oneof(awkwardKey, fc.string({ maxLength: 8 }), anyText), value, {
  maxKeys: 6,
});
/** Bodies JSON.stringify cannot produce: number forms, duplicate keys, a BOM, odd escapes. */
const literal = fc.constantFrom(
  '{"flagKey":"bool-flag","context":{"n":1e400,"m":-0,"k":1E-400}}',
  '{"flagKey":"bool-flag","flagKey":"int-flag"}',
  '{"flagKey":"bool-flag","context":{"a":1,"a":2}}',
  '\ufeff{"flagKey":"bool-flag"}',
  '{"flagKey":"bool\u002dflag"}',
  '{"flagKey":"bool-flag","context":null}',
  '{"flagKey":null}',
  ' \n{"flagKey":"bool-flag"}\n ',
  '[]',
  'null',
);
const body = fc.oneof(
  fc.record({ flagKey: key, context }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
  fc
    .record({ flagKey: fc.oneof(key, value), context: value, extra: value }, { requiredKeys: [] })
    .map((b) => JSON.stringify(b)),
  fc.string({ maxLength: 40 }),
  literal,
  fc.record({ flagKey: anyText, context }).map((b) => JSON.stringify(b)),
);

test('fast path and router give the same status, type and bytes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...METHODS), body, async (path, text) => {
      const plain = { 'content-type': 'application/json' };
      const viaRouter = { ...plain, 'connect-timeout-ms': '10000' };
      const fast = await post(path, text, plain);
      const router = await post(path, text, viaRouter);
      expect(fast).toEqual(router);
    }),
    { numRuns: 300 },
  );
}, 120_000);
