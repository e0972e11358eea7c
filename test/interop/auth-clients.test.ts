// Clients of a daemon with --auth-config, end to end: roots started through the CLI (`switchyard
// start --auth-config … --address 127.0.0.1`, one with TLS and client certificates on its sync,
// evaluation and OFREP ports), SwitchyardProvider (in-process and RPC) with a token, a token file
// and a client certificate, and edge daemons whose grpc and http sources carry a token or a
// client certificate. Each client sees exactly the flag set its credential allows. The official
// flagd provider still connects unchanged to a daemon without --auth-config.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import type { Client } from '@openfeature/server-sdk';
import { startDaemon } from '@switchyard/daemon';
import type { Daemon } from '@switchyard/daemon';
import { SwitchyardProvider } from '@switchyard/openfeature-provider';
import type { SwitchyardProviderOptions } from '@switchyard/openfeature-provider';
import { mintPki } from '../../packages/daemon/test/auth/certificates.js';
import { FILES } from '../../packages/daemon/test/auth/support.js';
import { silentLogger } from '../../packages/provider/test/support/flags.js';
import { DaemonProcess } from '../launchpad/daemon-process.js';
import { freePorts } from '../launchpad/ports.js';

jest.setTimeout(180_000);

const dir = mkdtempSync(join(tmpdir(), 'switchyard-auth-interop-'));
const processes: DaemonProcess[] = [];
const daemons: Daemon[] = [];
const TOKEN_A = 'team-a-token-0123456789abcdef';

interface Ports {
  readonly sync: number;
  readonly management: number;
  readonly evaluation: number;
  readonly ofrep: number;
}

async function startRoot(name: string, extra: string[]): Promise<Ports> {
  const [sync, management, evaluation, ofrep] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  const args = ['start', '--uri', 'file:a.json', '--uri', 'file:b.json', '--address', '127.0.0.1'];
  args.push('-g', `${sync}`, '-m', `${management}`, '-p', `${evaluation}`, '-r', `${ofrep}`);
  const daemon = new DaemonProcess(
    [...args, ...extra, '-z', 'json'],
    dir,
    join(dir, `${name}.log`),
  );
  processes.push(daemon);
  await daemon.waitReady(management, 60_000);
  return { sync, management, evaluation, ofrep };
}

async function client(
  domain: string,
  provider: SwitchyardProvider | FlagdProvider,
): Promise<Client> {
  await OpenFeature.setProviderAndWait(domain, provider);
  return OpenFeature.getClient(domain);
}

const switchyard = (options: SwitchyardProviderOptions) =>
  new SwitchyardProvider(
    { resolverType: 'in-process', host: 'localhost', deadlineMs: 15_000, ...options },
    silentLogger(),
  );

/** What a client reads of each set's flag ('-' = not served to it). */
async function reads(c: Client): Promise<[string, string]> {
  return [await c.getStringValue('a-secret', '-'), await c.getStringValue('b-secret', '-')];
}

let certs: { ca: string; edgeCert: string; edgeKey: string; pkiDir: string };
let tokens: Ports;
let mtls: Ports;
beforeAll(async () => {
  writeFileSync(join(dir, 'a.json'), FILES['a.json']);
  writeFileSync(join(dir, 'b.json'), FILES['b.json']);
  writeFileSync(join(dir, 'token-a'), `${TOKEN_A}\n`);
  writeFileSync(
    join(dir, 'auth.yaml'),
    [
      'clients:',
      '  - id: team-a',
      `    token: ${TOKEN_A}`,
      '    selectors: ["flagSetId=team-a"]',
      '  - id: edge',
      '    subject: CN=edge-1',
      '    selectors: ["flagSetId=team-b"]',
      '',
    ].join('\n'),
  );
  const pki = mintPki();
  const server = pki.issue('server', { cn: 'localhost', server: true });
  const edge = pki.issue('edge', { cn: 'edge-1' });
  certs = { ca: pki.caPath, edgeCert: edge.certPath, edgeKey: edge.keyPath, pkiDir: pki.dir };
  tokens = await startRoot('tokens', ['--auth-config', 'auth.yaml']);
  mtls = await startRoot('mtls', [
    '--auth-config',
    'auth.yaml',
    '-c',
    server.certPath,
    '-k',
    server.keyPath,
    '--client-ca-path',
    pki.caPath,
    '--tls-ports',
    'evaluation,sync,ofrep',
  ]);
});

afterAll(async () => {
  await OpenFeature.close();
  await Promise.all(daemons.map((d) => d.close()));
  await Promise.all(processes.map((d) => d.kill()));
  rmSync(dir, { recursive: true, force: true });
  rmSync(certs.pkiDir, { recursive: true, force: true });
});

test('SwitchyardProvider with a token, and with a token file, reads team-a only', async () => {
  const withToken = await client('token', switchyard({ port: tokens.sync, token: TOKEN_A }));
  expect(await reads(withToken)).toEqual(['launch-a', '-']);
  const fromFile = await client(
    'token-file',
    switchyard({ port: tokens.sync, tokenFile: join(dir, 'token-a') }),
  );
  expect(await reads(fromFile)).toEqual(['launch-a', '-']);
});

test('SwitchyardProvider with a client certificate reads what its subject allows (team-b)', async () => {
  const c = await client(
    'client-cert',
    switchyard({
      port: mtls.sync,
      tls: true,
      certPath: certs.ca,
      clientCertPath: certs.edgeCert,
      clientKeyPath: certs.edgeKey,
    }),
  );
  expect(await reads(c)).toEqual(['-', 'price-b']);
});

test('SwitchyardProvider in RPC mode: a token, and a client certificate, on the evaluation port', async () => {
  const withToken = await client(
    'rpc-token',
    switchyard({ resolverType: 'rpc', port: tokens.evaluation, token: TOKEN_A }),
  );
  expect(await reads(withToken)).toEqual(['launch-a', '-']);
  const withCert = await client(
    'rpc-cert',
    switchyard({
      resolverType: 'rpc',
      port: mtls.evaluation,
      tls: true,
      certPath: certs.ca,
      clientCertPath: certs.edgeCert,
      clientKeyPath: certs.edgeKey,
    }),
  );
  expect(await reads(withCert)).toEqual(['-', 'price-b']);
});

test('edge daemons: grpc and http sources carry a token or a client certificate', async () => {
  const edge = (sources: object[]) =>
    startDaemon({
      sources: sources as never,
      host: '127.0.0.1',
      syncPort: 0,
      managementPort: 0,
      logLevel: 'silent',
    }).then((d) => {
      daemons.push(d);
      return d;
    });
  const keysOf = (d: Daemon) => d.generation()?.flags.map((m) => m.flag.key) ?? [];
  const overGrpc = await edge([
    {
      uri: `grpc://127.0.0.1:${tokens.sync}`,
      provider: 'grpc',
      headers: { authorization: `Bearer ${TOKEN_A}` },
    },
  ]);
  const overHttp = await edge([
    {
      uri: `http://127.0.0.1:${tokens.management}/flags`,
      provider: 'http',
      authHeader: `Bearer ${TOKEN_A}`,
    },
  ]);
  const overMtls = await edge([
    {
      uri: `grpcs://localhost:${mtls.sync}`,
      provider: 'grpc',
      certPath: certs.ca,
      clientCertPath: certs.edgeCert,
      clientKeyPath: certs.edgeKey,
    },
  ]);
  await Promise.all([overGrpc.ready, overHttp.ready, overMtls.ready]);
  expect(keysOf(overGrpc)).toEqual(['a-secret', 'shared']);
  expect(keysOf(overHttp)).toEqual(['a-secret', 'shared']);
  expect(keysOf(overMtls)).toEqual(['b-secret']);
});

test('without a credential the root refuses, and the provider says why', async () => {
  const logger = silentLogger();
  const provider = new SwitchyardProvider(
    { resolverType: 'in-process', host: 'localhost', port: tokens.sync, deadlineMs: 2000 },
    logger,
  );
  await expect(provider.initialize()).rejects.toThrow(/UNAUTHENTICATED|credential/);
  await provider.onClose();
});

test('the official flagd provider connects unchanged to a daemon without --auth-config', async () => {
  const plain = await startRoot('plain', []);
  const official = new FlagdProvider({
    resolverType: 'in-process',
    host: '127.0.0.1',
    port: plain.sync,
    deadlineMs: 15_000,
  });
  const c = await client('official', official);
  expect(await reads(c)).toEqual(['launch-a', 'price-b']);
});
