// Test peers: a daemon on loopback ports over real files in a temp dir, event waiters (never
// fixed sleeps), a typed sync client and a stream reader.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Metadata, credentials } from '@grpc/grpc-js';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { FlagSyncServiceClient } from '@switchyard/protocol';
import type { SyncFlagsResponse, TypedClient } from '@switchyard/protocol';
import { pino } from 'pino';
import { startDaemon } from '../../src/daemon.js';
import type { Daemon, DaemonOptions } from '../../src/daemon.js';
import type { HealthReport } from '../../src/health/health-report.js';
import type { Generation } from '../../src/store/generation.js';
import type { StoreEvent } from '../../src/store/generation-store.js';

export function tempDir(prefix = 'switchyard-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes through a temp file and rename(), the way editors and the testbed save. */
export function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** A self-signed certificate for `localhost` (openssl), as --server-cert-path/--server-key-path. */
export function selfSignedCertificate(): { readonly cert: string; readonly key: string } {
  const dir = tempDir('switchyard-tls-');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const subject = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'];
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert];
  execFileSync('openssl', [...args, '-days', '1', ...subject], { stdio: 'ignore' });
  return { cert, key };
}

export interface FlagSpec {
  variants?: Record<string, unknown>;
  defaultVariant?: string | null;
  state?: string;
  targeting?: unknown;
  metadata?: Record<string, unknown>;
}

/** A flag document: `flags({a: 'on'})` gives boolean flags with that default variant. */
export function flagsDoc(
  flags: Record<string, string | FlagSpec>,
  extra: Record<string, unknown> = {},
): string {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(flags)) {
    out[key] =
      typeof spec === 'string'
        ? { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: spec }
        : { state: 'ENABLED', variants: { on: true, off: false }, ...spec };
  }
  return `${JSON.stringify({ flags: out, ...extra }, null, 2)}\n`;
}

export interface TestDaemon {
  readonly daemon: Daemon;
  readonly dir: string;
  /** Parsed JSON log lines. */
  readonly logs: Record<string, unknown>[];
  /** Every generation published so far, in order. */
  readonly generations: Generation[];
  readonly events: StoreEvent[];
  readonly traces: string[];
  /** Resolves with the first event (already seen after `from`, or future) matching. */
  waitFor<T extends StoreEvent>(match: (e: StoreEvent) => e is T, from?: number): Promise<T>;
  waitForTrace(match: (t: string) => boolean): Promise<string>;
  nextGeneration(): Promise<Generation>;
  syncClient(): TypedClient<typeof import('@switchyard/protocol').FlagSyncServiceDefinition>;
  readyz(): Promise<{ status: number; body: HealthReport }>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

export async function startTestDaemon(
  options: Partial<DaemonOptions> & { files?: Record<string, string>; dir?: string } = {},
): Promise<TestDaemon> {
  const dir = options.dir ?? tempDir();
  for (const [name, text] of Object.entries(options.files ?? {}))
    writeFileSync(join(dir, name), text);
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const events: StoreEvent[] = [];
  const traces: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const { files: _files, dir: _dir, ...rest } = options;
  const daemon = await startDaemon({
    sources: [`file:${dir}`],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    logger: pino({ level: 'debug' }, destination),
    cwd: dir,
    startupGateMs: 200,
    ...rest,
    watch: {
      ...rest.watch,
      onTrace: (event, detail) => {
        traces.push(`${event} ${detail}`);
        notify();
      },
    },
  });
  // Generation 1 is published inside startDaemon, before we can subscribe.
  const first = daemon.generation();
  if (first) events.push({ type: 'generation', generation: first });
  daemon.subscribe((event) => {
    events.push(event);
    notify();
  });
  const until = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const run = () => {
        const found = check();
        if (found !== undefined) {
          waiters.delete(run);
          resolve(found);
        }
      };
      waiters.add(run);
      run();
    });
  const base = `http://127.0.0.1:${daemon.ports.management}`;
  let client: ReturnType<TestDaemon['syncClient']> | undefined;
  const harness: TestDaemon = {
    daemon,
    dir,
    logs,
    events,
    traces,
    get generations() {
      return events.flatMap((e) => (e.type === 'generation' ? [e.generation] : []));
    },
    waitFor(match, from = 0) {
      return until(() => events.slice(from).find(match));
    },
    waitForTrace(match) {
      const start = traces.length;
      return until(() => traces.slice(start).find(match));
    },
    nextGeneration() {
      const from = events.length;
      return harness
        .waitFor(
          (e): e is Extract<StoreEvent, { type: 'generation' }> => e.type === 'generation',
          from,
        )
        .then((e) => e.generation);
    },
    syncClient() {
      client ??= new FlagSyncServiceClient(
        `127.0.0.1:${daemon.ports.sync}`,
        credentials.createInsecure(),
      );
      return client;
    },
    async readyz() {
      const response = await fetch(`${base}/readyz`);
      return {
        status: response.status,
        body: (await response.json()) as HealthReport,
      };
    },
    async metrics() {
      return (await fetch(`${base}/metrics`)).text();
    },
    async close() {
      client?.close();
      await daemon.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const isGeneration = (e: StoreEvent): e is Extract<StoreEvent, { type: 'generation' }> =>
  e.type === 'generation';
export const isProblem = (e: StoreEvent): e is Extract<StoreEvent, { type: 'problem' }> =>
  e.type === 'problem';

/** Reads a SyncFlags stream message by message. */
export function streamReader(stream: ClientReadableStream<SyncFlagsResponse>) {
  const queue: SyncFlagsResponse[] = [];
  let waiting: ((m: SyncFlagsResponse) => void) | undefined;
  let failure: ((e: Error) => void) | undefined;
  let error: Error | undefined;
  stream.on('data', (m: SyncFlagsResponse) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(m);
    } else queue.push(m);
  });
  stream.on('error', (e: Error) => {
    error = e;
    failure?.(e);
  });
  return {
    received: queue,
    next(): Promise<SyncFlagsResponse> {
      const m = queue.shift();
      if (m) return Promise.resolve(m);
      if (error) return Promise.reject(error);
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failure = reject;
      });
    },
    /** Resolves with the stream's error status. */
    ended(): Promise<Error> {
      if (error) return Promise.resolve(error);
      return new Promise((resolve) => {
        failure = resolve;
      });
    },
  };
}

export function selectorMetadata(selector: string): Metadata {
  const metadata = new Metadata();
  metadata.set('flagd-selector', selector);
  return metadata;
}

export function flagKeys(message: { flagConfiguration: string }): string[] {
  return Object.keys(JSON.parse(message.flagConfiguration).flags).sort();
}
