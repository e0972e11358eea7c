// Interop: the official @openfeature/ofrep-provider (OFREPProvider with baseUrl) evaluates every
// example flag in flags/ against `switchyard start`'s OFREP port (issue 6 "Done when"), and its
// answers equal @switchyard/core evaluating the same files in-process (same merge: later source
// wins a key), over a set of contexts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OFREPProvider } from '@openfeature/ofrep-provider';
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
beforeAll(async () => {
  daemon = await startDaemon({
    sources: files.map((f) => `file:${join(FLAGS_DIR, f)}`),
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    ofrepPort: 0,
    logger: createLogger({ format: 'json', destination: { write: () => true } }),
  });
  await daemon.ready;
  await OpenFeature.setProviderAndWait(
    'ofrep-interop',
    new OFREPProvider({ baseUrl: `http://127.0.0.1:${daemon.ports.ofrep}` }),
  );
});
afterAll(async () => {
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
  test(`${type}: OFREP answers equal in-process evaluation for ${contexts.length} contexts`, async () => {
    const client = OpenFeature.getClient('ofrep-interop');
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
  const details = await OpenFeature.getClient('ofrep-interop').getBooleanDetails(
    'no-such-flag',
    true,
  );
  expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
});
