// The example flags in flags/, evaluated in-process by @switchyard/core, and the tests that an
// OpenFeature client of a remote-evaluation transport (OFREP, flagd RPC) gives the same answers
// over a set of contexts. Shared by ofrep-provider.test.ts and rpc-provider.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EvaluationContext, type JsonValue, OpenFeature } from '@openfeature/server-sdk';
import { createSnapshot, evaluate, parseFlags } from '@switchyard/core';
import type { FlagDefinition, FlagValueType } from '@switchyard/core';
import type { Daemon, DaemonOptions } from '@switchyard/daemon';
import { repositoryRoot } from '../../support/testbed.js';
import { startFileDaemon } from './file-daemon.js';

export const FLAGS_DIR = join(repositoryRoot(), 'flags');
export const files = readdirSync(FLAGS_DIR)
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
export const { snapshot } = createSnapshot(definitions);

/** `switchyard start` on the example files, on loopback, any free ports, logs dropped; ready. */
export function startExampleDaemon(
  servers: Pick<DaemonOptions, 'evaluationPort' | 'ofrepPort'>,
): Promise<Daemon> {
  return startFileDaemon(
    files.map((f) => join(FLAGS_DIR, f)),
    servers,
  );
}

export const contexts: EvaluationContext[] = [
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

export function typeOf(def: FlagDefinition): FlagValueType {
  const sample = def.variants[def.defaultVariant ?? Object.keys(def.variants)[0]!];
  const t = typeof sample;
  return t === 'boolean' || t === 'string' || t === 'number' ? t : 'object';
}

export const defaults: Record<FlagValueType, JsonValue> = {
  boolean: false,
  string: 'code-default',
  number: -1,
  object: { codeDefault: true },
};

/**
 * Registers the tests: every example flag, for every context, through the OpenFeature client of
 * `domain` (whose provider the caller sets up in beforeAll), equals in-process evaluation.
 */
export function describeSameAnswersAsInProcess(label: string, domain: string): void {
  test('flags/ holds example flags to evaluate', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(snapshot.size).toBeGreaterThan(0);
  });

  describe.each([...snapshot.keys()])('%s', (key) => {
    const def = snapshot.get(key)!;
    const type = typeOf(def);
    test(`${type}: ${label} answers equal in-process evaluation for ${contexts.length} contexts`, async () => {
      const client = OpenFeature.getClient(domain);
      for (const context of contexts) {
        const local = evaluate(snapshot, {
          flagKey: key,
          type,
          defaultValue: defaults[type],
          context,
        });
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
    const details = await OpenFeature.getClient(domain).getBooleanDetails('no-such-flag', true);
    expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });
}
