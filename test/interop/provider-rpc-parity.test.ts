// Parity of SwitchyardProvider's two modes against one `switchyard start`: RPC mode (each
// evaluation a flagd.evaluation.v2 call to the evaluation port, cache off) and in-process mode
// (the sync port's flags evaluated locally) give the same value, variant, reason, error code and
// flag metadata for every flag of the testbed — the gherkin suites' merged flags/ (as the
// launchpad serves them) and evaluator/flags/testkit-flags.json, each its own daemon — over the
// testkit contexts, plus a missing flag and a type mismatch.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvaluationContext } from '@openfeature/server-sdk';
import type { Daemon } from '@switchyard/daemon';
import { SwitchyardProvider } from '@switchyard/openfeature-provider';
import { mergeRawFlags } from '../launchpad/flags.js';
import { testbedPath } from '../support/testbed.js';
import { startFileDaemon } from './support/file-daemon.js';
import { type Kind, TESTKIT_CONTEXTS, kindOf, resolveDetails } from './support/testkit-cases.js';

type Document = { flags: Record<string, { variants: Record<string, unknown> }> };

const dir = mkdtempSync(join(tmpdir(), 'switchyard-rpc-parity-'));
const gherkinFile = join(dir, 'allFlags.json');
writeFileSync(gherkinFile, JSON.stringify(mergeRawFlags(testbedPath('flags'))));
const DOCUMENTS: Readonly<Record<string, string>> = {
  'flags/ (merged)': gherkinFile,
  'evaluator/flags/testkit-flags.json': testbedPath('evaluator', 'flags', 'testkit-flags.json'),
};

interface Pair {
  readonly daemon: Daemon;
  readonly rpc: SwitchyardProvider;
  readonly inProcess: SwitchyardProvider;
}

async function startPair(file: string): Promise<Pair> {
  const daemon = await startFileDaemon([file]);
  const connection = { host: '127.0.0.1', deadlineMs: 10_000 };
  const rpc = new SwitchyardProvider({
    ...connection,
    resolverType: 'rpc',
    port: daemon.ports.evaluation!,
    cache: 'disabled',
  });
  const inProcess = new SwitchyardProvider({
    ...connection,
    resolverType: 'in-process',
    port: daemon.ports.sync!,
  });
  await Promise.all([rpc.initialize(), inProcess.initialize()]);
  return { daemon, rpc, inProcess };
}

const pairs = new Map<string, Pair>();
afterAll(async () => {
  for (const pair of pairs.values()) {
    await Promise.all([pair.rpc.onClose(), pair.inProcess.onClose()]);
    await pair.daemon.close();
  }
});

describe.each(Object.entries(DOCUMENTS))('%s', (name, file) => {
  const document = JSON.parse(readFileSync(file, 'utf8')) as Document;
  const cases = Object.entries(document.flags).map(([key, flag]) => [key, kindOf(flag)] as const);
  beforeAll(async () => {
    pairs.set(name, await startPair(file));
  });

  const same = async (kind: Kind, key: string, context: EvaluationContext) => {
    const { rpc, inProcess } = pairs.get(name)!;
    const local = await resolveDetails(inProcess, kind, key, context, { metadata: true });
    const remote = await resolveDetails(rpc, kind, key, context, { metadata: true });
    expect({ key, context, ...remote }).toEqual({ key, context, ...local });
  };

  test('has flags to compare', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  test.each(cases)('%s (%s): RPC mode answers as in-process mode', async (key, kind) => {
    for (const context of TESTKIT_CONTEXTS) await same(kind, key, context);
  });

  test('a missing flag and a type mismatch are reported alike', async () => {
    await same('boolean', 'no-such-flag', {});
    const [key, kind] = cases.find(([, k]) => k !== 'string')!;
    await same(kind === 'boolean' ? 'number' : 'string', key, {});
  });
});
