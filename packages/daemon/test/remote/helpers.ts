// Peers for the remote-evaluation tests: a daemon with flagd.evaluation and OFREP on free loopback
// ports over real files, typed v1/v2 clients, a promisified unary call, an EventStream reader
// and a raw HTTP client for OFREP (node:http, so every status code and header is visible).
import { request } from 'node:http';
import type { Agent, IncomingHttpHeaders } from 'node:http';
import { Metadata, credentials } from '@grpc/grpc-js';
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { EvaluationV1ServiceClient, EvaluationV2ServiceClient } from '@switchyard/protocol';
import type { DaemonOptions } from '../../src/daemon.js';
import { startTestDaemon } from '../helpers/harness.js';
import type { TestDaemon } from '../helpers/harness.js';

export interface RemoteDaemon extends TestDaemon {
  v1: InstanceType<typeof EvaluationV1ServiceClient>;
  v2: InstanceType<typeof EvaluationV2ServiceClient>;
  ofrep(path: string, init?: OfrepInit): Promise<OfrepResponse>;
}

export interface OfrepInit {
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** A keep-alive agent, to send requests over one connection. */
  agent?: Agent;
}

export interface OfrepResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/** Every flag shape the remote services must answer (each reason and error code flagd gives). */
export const FLAGS = {
  flags: {
    'bool-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    'string-flag': { state: 'ENABLED', variants: { hi: 'hi', bye: 'bye' }, defaultVariant: 'hi' },
    'int-flag': { state: 'ENABLED', variants: { ten: 10, pi: 3.7 }, defaultVariant: 'ten' },
    'float-flag': { state: 'ENABLED', variants: { half: 0.5 }, defaultVariant: 'half' },
    'object-flag': {
      state: 'ENABLED',
      variants: { tmpl: { showImages: true, title: 'Check it out' } },
      defaultVariant: 'tmpl',
    },
    'array-flag': { state: 'ENABLED', variants: { list: [1, 2] }, defaultVariant: 'list' },
    'no-default-flag': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: null,
    },
    'disabled-flag': {
      state: 'DISABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
    },
    'targeted-flag': {
      state: 'ENABLED',
      variants: { internal: 'INTERNAL', external: 'EXTERNAL' },
      defaultVariant: 'external',
      targeting: {
        if: [{ '==': [{ var: 'email' }, 'ballmer@macrosoft.com'] }, 'internal', null],
      },
    },
    'pi-targeted-flag': {
      state: 'ENABLED',
      variants: { ten: 10, pi: 3.7 },
      defaultVariant: 'ten',
      targeting: { if: [{ '==': [{ var: 'want' }, 'pi'] }, 'pi', null] },
    },
    'null-targeting-no-default-flag': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: null,
      targeting: { if: [false, 'on', null] },
    },
    'parse-error-flag': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
      targeting: { bogus_operator: [1] },
    },
    'missing-variant-flag': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
      targeting: { if: [true, 'nope', null] },
    },
    'metadata-flag': {
      state: 'ENABLED',
      variants: { on: true },
      defaultVariant: 'on',
      metadata: { string: 'a', integer: 1, float: 1.2, boolean: true },
    },
    'context-flag': {
      state: 'ENABLED',
      variants: { request: 'request', static: 'static', header: 'header', none: 'none' },
      defaultVariant: 'none',
      targeting: { var: 'who' },
    },
  },
};

/** A second file with a flag set (selector tests): same key `bool-flag`, other value. */
export const SET_FLAGS = {
  metadata: { flagSetId: 'team-a', owner: 'a' },
  flags: {
    'bool-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
    'team-flag': {
      state: 'ENABLED',
      variants: { yes: 'yes' },
      defaultVariant: 'yes',
      metadata: { owner: 'flag-wins' },
    },
  },
};

export async function startRemoteDaemon(
  options: Partial<DaemonOptions> & {
    files?: Record<string, string>;
    waitReady?: boolean;
    /** false: flagd.evaluation only on `socketPath`, not on a TCP port. */
    evaluationTcp?: boolean;
  } = {},
): Promise<RemoteDaemon> {
  const { waitReady = true, evaluationTcp = true, ...rest } = options;
  const harness = await startTestDaemon({
    files: {
      'a-flags.json': JSON.stringify(FLAGS, null, 2),
      'b-set.json': JSON.stringify(SET_FLAGS, null, 2),
    },
    // Two file sources named as flagd names them (the URI without `file:`): selector targets.
    sources: ['file:a-flags.json', 'file:b-set.json'],
    ...(evaluationTcp ? { evaluationPort: 0 } : {}),
    ofrepPort: 0,
    ...rest,
  });
  if (waitReady) await harness.daemon.ready;
  const target = `127.0.0.1:${harness.daemon.ports.evaluation}`;
  const v1 = new EvaluationV1ServiceClient(target, credentials.createInsecure());
  const v2 = new EvaluationV2ServiceClient(target, credentials.createInsecure());
  const ofrepPort = harness.daemon.ports.ofrep;
  const closeHarness = harness.close.bind(harness);
  return Object.assign(harness, {
    v1,
    v2,
    ofrep: (path: string, init: OfrepInit = {}) => httpCall(ofrepPort!, path, init),
    close: async () => {
      v1.close();
      v2.close();
      await closeHarness();
    },
  });
}

export function metadataOf(headers: Record<string, string> = {}): Metadata {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
  return metadata;
}

type Unary<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: object,
  callback: (error: ServiceError | null, response?: Res) => void,
) => unknown;

/** Calls a typed unary method; resolves `{response}` or `{error}` (never rejects). */
export function call<Req, Res>(
  client: object,
  method: Unary<Req, Res>,
  req: Req,
  headers: Record<string, string> = {},
): Promise<{ response?: Res; error?: ServiceError }> {
  // protobuf-es messages carry their type name; derive it from the method path.
  const path = (method as unknown as { path: string }).path;
  const [, service, name] = /^\/(.+)\.Service\/(\w+)$/.exec(path) ?? [];
  const message = { $typeName: `${service}.${name}Request`, ...(req as object) } as Req;
  return new Promise((resolve) => {
    method.call(client, message, metadataOf(headers), {}, (error, response) =>
      resolve(error ? { error } : { response: response as Res }),
    );
  });
}

export function httpCall(port: number, path: string, init: OfrepInit = {}): Promise<OfrepResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'POST',
        headers: init.headers ?? {},
        ...(init.agent ? { agent: init.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** Reads an EventStream message by message (waits on events, never on time). */
export function eventReader<T extends { type: string }>(stream: ClientReadableStream<T>) {
  const queue: T[] = [];
  const waiters: ((m: T) => void)[] = [];
  let error: (Error & { code?: number }) | undefined;
  let ended = false;
  const enders: (() => void)[] = [];
  stream.on('data', (m: T) => {
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  stream.on('error', (e: Error) => {
    error = e;
    for (const f of enders.splice(0)) f();
  });
  stream.on('end', () => {
    ended = true;
    for (const f of enders.splice(0)) f();
  });
  return {
    next(): Promise<T> {
      const m = queue.shift();
      if (m) return Promise.resolve(m);
      return new Promise((resolve) => waiters.push(resolve));
    },
    /** Resolves once the stream ended (OK) or failed; with the error, if any. */
    closed(): Promise<(Error & { code?: number }) | undefined> {
      if (ended || error) return Promise.resolve(error);
      return new Promise((resolve) => enders.push(() => resolve(error)));
    },
  };
}
