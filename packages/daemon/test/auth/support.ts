// Peers for the --auth-config tests: a daemon with two flag sets (team-a, team-b) and flags
// without a set, every port on loopback, an auth file the test rewrites, and real clients —
// grpc-js on the sync and evaluation ports, node:http on OFREP and management.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata, credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { FlagSyncServiceClient } from '@switchyard/protocol';
import type { SyncFlagsResponse } from '@switchyard/protocol';
import type { DaemonOptions } from '../../src/daemon.js';
import { atomicWrite, startTestDaemon, tempDir } from '../helpers/harness.js';
import type { TestDaemon } from '../helpers/harness.js';
import { httpCall } from '../remote/helpers.js';
import type { OfrepResponse } from '../remote/helpers.js';

export const TOKENS = {
  a: 'team-a-token-0123456789abcdef',
  ab: 'both-teams-token-0123456789abcdef',
  all: 'every-flag-token-0123456789abcdef',
  ops: 'operator-token-0123456789abcdef',
  unknown: 'nobody-knows-this-token-0123456789',
} as const;

export interface ClientEntry {
  readonly id: string;
  readonly token?: string;
  readonly subject?: string;
  readonly selectors: readonly string[];
  readonly operator?: boolean;
}

export const clients = (extra: ClientEntry[] = []): { clients: ClientEntry[] } => ({
  clients: [
    { id: 'team-a', token: TOKENS.a, selectors: ['flagSetId=team-a'] },
    // The same secret as its digest: what an operator commits instead of the token.
    {
      id: 'both',
      token: `sha256:${sha256hex(TOKENS.ab)}`,
      selectors: ['flagSetId=team-a', 'flagSetId=team-b'],
    },
    { id: 'reader', token: TOKENS.all, selectors: ['*'] },
    { id: 'ops', token: TOKENS.ops, selectors: ['*'], operator: true },
    ...extra,
  ],
});

function sha256hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const set = (flagSetId: string, flags: Record<string, string>) =>
  JSON.stringify({
    metadata: { flagSetId },
    flags: Object.fromEntries(
      Object.entries(flags).map(([k, v]) => [
        k,
        { state: 'ENABLED', variants: { [v]: v }, defaultVariant: v },
      ]),
    ),
  });

export const FILES = {
  'a.json': set('team-a', { 'a-secret': 'launch-a', shared: 'from-a' }),
  'b.json': set('team-b', { 'b-secret': 'price-b' }),
  'plain.json': JSON.stringify({
    flags: { 'no-set': { state: 'ENABLED', variants: { x: 'x' }, defaultVariant: 'x' } },
  }),
};

export interface AuthDaemon extends TestDaemon {
  readonly authPath: string;
  writeAuth(config: unknown): void;
  sync(token?: string): InstanceType<typeof FlagSyncServiceClient>;
  ofrep(path: string, token?: string, headers?: Record<string, string>): Promise<OfrepResponse>;
  management(
    path: string,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<OfrepResponse>;
}

export const bearer = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

export function metadata(headers: Record<string, string>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(headers)) m.set(k, v);
  return m;
}

export async function startAuthDaemon(
  options: Partial<DaemonOptions> = {},
  auth: unknown = clients(),
): Promise<AuthDaemon> {
  const dir = tempDir('switchyard-auth-');
  const authPath = join(dir, 'auth', 'clients.json');
  mkdirSync(join(dir, 'auth'));
  writeFileSync(authPath, JSON.stringify(auth));
  // null: a daemon without --auth-config (the file is written, not used).
  const t = await startTestDaemon({
    dir,
    files: FILES,
    sources: ['file:a.json', 'file:b.json', 'file:plain.json'],
    evaluationPort: 0,
    ofrepPort: 0,
    ...(auth === null ? {} : { authConfig: authPath }),
    ...options,
  });
  await t.daemon.ready;
  const syncClients: InstanceType<typeof FlagSyncServiceClient>[] = [];
  const close = t.close.bind(t);
  return Object.assign(t, {
    authPath,
    writeAuth: (config: unknown) => atomicWrite(authPath, JSON.stringify(config)),
    sync() {
      const client = new FlagSyncServiceClient(
        `127.0.0.1:${t.daemon.ports.sync}`,
        credentials.createInsecure(),
      );
      syncClients.push(client);
      return client;
    },
    ofrep: (path: string, token?: string, headers: Record<string, string> = {}) =>
      httpCall(t.daemon.ports.ofrep!, path, {
        headers: { 'content-type': 'application/json', ...bearer(token), ...headers },
        body: '{}',
      }),
    management: (path: string, token?: string, headers: Record<string, string> = {}) =>
      httpCall(t.daemon.ports.management, path, {
        method: 'GET',
        headers: { ...bearer(token), ...headers },
      }),
    close: async () => {
      for (const c of syncClients) c.close();
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** FetchAllFlags; resolves the flag keys served, or the error. */
export function fetchAll(
  client: InstanceType<typeof FlagSyncServiceClient>,
  headers: Record<string, string>,
  selector = '',
): Promise<{ keys?: string[]; error?: ServiceError }> {
  return new Promise((resolve) => {
    client.fetchAllFlags(
      { $typeName: 'flagd.sync.v1.FetchAllFlagsRequest', providerId: '', selector },
      metadata(headers),
      {},
      (error: ServiceError | null, response?: { flagConfiguration: string }) => {
        if (error) resolve({ error });
        else resolve({ keys: Object.keys(JSON.parse(response!.flagConfiguration).flags).sort() });
      },
    );
  });
}

/** Opens SyncFlags; resolves the first payload's flag keys, or the error the stream ends with. */
export function firstSync(
  client: InstanceType<typeof FlagSyncServiceClient>,
  headers: Record<string, string>,
  selector = '',
): { result: Promise<{ keys?: string[]; error?: ServiceError }>; ended: Promise<ServiceError> } {
  const stream = client.syncFlags(
    { $typeName: 'flagd.sync.v1.SyncFlagsRequest', providerId: '', selector },
    metadata(headers),
  );
  let settle: (v: { keys?: string[]; error?: ServiceError }) => void = () => {};
  const result = new Promise<{ keys?: string[]; error?: ServiceError }>((r) => {
    settle = r;
  });
  const ended = new Promise<ServiceError>((resolve) => {
    stream.on('error', (error: ServiceError) => {
      settle({ error });
      resolve(error);
    });
  });
  stream.on('data', (m: SyncFlagsResponse) => {
    settle({ keys: Object.keys(JSON.parse(m.flagConfiguration).flags).sort() });
  });
  return { result, ended };
}

export { status };
