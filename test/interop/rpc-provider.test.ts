// Interop: the official @openfeature/flagd-provider in RPC mode (flagd.evaluation.v2, cache off)
// evaluates every example flag in flags/ against `switchyard start`'s --port, and its answers equal
// @switchyard/core evaluating the same files in-process (same merge: later source wins a key), over
// a set of contexts (issue 6 "Deliver" 3: remote and in-process answers are identical).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { type EvaluationContext, type JsonValue, OpenFeature } from '@openfeature/server-sdk';
import { createSnapshot, evaluate, parseFlags } from '@switchyard/core';
import type { FlagDefinition, FlagValueType } from '@switchyard/core';
import { startDaemon } from '@switchyard/daemon';
import type { Daemon } from '@switchyard/daemon';
// The daemon's logger factory with a destination that drops lines (the test package has no pino).
import { createLogger } from '../../packages/daemon/src/logger.js';
import { repositoryRoot } from '../support/testbed.js';

const FLAGS_DIR = join(repositoryRoot(), 'flags');
const files = readdirSync(FLAGS_DIR)
  .filter((f) => /\.(json|ya?ml)$/i.test(f))
  .sort();

const definitions: FlagDefinition[] = files.flatMap((file) => {
  const parsed = parseFlags(readFileSync(join(FLAGS_DIR, file), 'utf8'), {
    source: file,
    targetingErrors: 'isolate',
  });
  if (!parsed.ok)
    throw new Error(`flags/${file} does not parse: ${JSON.stringify(parsed.diagnostics)}`);
  return [...parsed.configuration!.flags];
});
const { snapshot } = createSnapshot(definitions);

const contexts: EvaluationContext[] = [
  {},
  { targetingKey: 'user-1' },
  { targetingKey: 'user-2', plan: 'pro' },
  { targetingKey: 'user-3', plan: 'free', app_version: '2.4.0' },
  { targetingKey: 'user-4', app_version: '1.9.9', email: 'a@example.com' },
  ...Array.from({ length: 8 }, (_, i) => ({
    targetingKey: `member-${i}`,
    country: i % 2 ? 'DE' : 'US',
  })),
];

function typeOf(def: FlagDefinition): FlagValueType {
  const sample = def.variants[def.defaultVariant ?? Object.keys(def.variants)[0]!];
  const t = typeof sample;
  return t === 'boolean' || t === 'string' || t === 'number' ? t : 'object';
}

const defaults: Record<FlagValueType, JsonValue> = {
  boolean: false,
  string: 'code-default',
  number: -1,
  object: { codeDefault: true },
};

let daemon: Daemon;
let provider: FlagdProvider;
beforeAll(async () => {
  daemon = await startDaemon({
    sources: files.map((f) => `file:${join(FLAGS_DIR, f)}`),
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    evaluationPort: 0,
    logger: createLogger({ format: 'json', destination: { write: () => true } }),
  });
  await daemon.ready;
  provider = new FlagdProvider({
    resolverType: 'rpc',
    host: '127.0.0.1',
    port: daemon.ports.evaluation!,
    cache: 'disabled',
  });
  await OpenFeature.setProviderAndWait('rpc-interop', provider);
});
afterAll(async () => {
  // 0.16.1 reschedules reconnects of a closed client forever (js-provider.md §2.1): cut the loop.
  const service = (provider as unknown as { _service?: { reconnect?: unknown } })._service;
  if (service && typeof service.reconnect === 'function') service.reconnect = () => {};
  await OpenFeature.clearProviders();
  await daemon?.close();
});

test('flags/ holds example flags to evaluate', () => {
  expect(files.length).toBeGreaterThan(0);
  expect(snapshot.size).toBeGreaterThan(0);
});

describe.each([...snapshot.keys()])('%s', (key) => {
  const def = snapshot.get(key)!;
  const type = typeOf(def);
  test(`${type}: RPC answers equal in-process evaluation for ${contexts.length} contexts`, async () => {
    const client = OpenFeature.getClient('rpc-interop');
    for (const context of contexts) {
      const local = evaluate(snapshot, key, type, defaults[type], context);
      let details: {
        value: unknown;
        variant?: string | undefined;
        reason?: string | undefined;
        errorCode?: string | undefined;
      };
      switch (type) {
        case 'boolean':
          details = await client.getBooleanDetails(key, defaults.boolean as boolean, context);
          break;
        case 'string':
          details = await client.getStringDetails(key, defaults.string as string, context);
          break;
        case 'number':
          details = await client.getNumberDetails(key, defaults.number as number, context);
          break;
        case 'object':
          details = await client.getObjectDetails(key, defaults.object, context);
          break;
      }
      expect({
        context,
        value: details.value,
        variant: details.variant,
        reason: details.reason,
        errorCode: details.errorCode,
      }).toEqual({
        context,
        value: local.value,
        variant: local.variant,
        reason: local.reason,
        errorCode: local.errorCode,
      });
    }
  });
});

test('a flag that does not exist: the code default with FLAG_NOT_FOUND', async () => {
  const details = await OpenFeature.getClient('rpc-interop').getBooleanDetails(
    'no-such-flag',
    true,
  );
  expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
});
