// The real peers of the fault-injection suite: the daemon as a child process (as the `nobody`
// user when the tests run as root, so `chmod 000` really denies it), a raw SyncFlags client and
// a SwitchyardProvider. Each reports every served state it sees.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { create } from '@bufbuild/protobuf';
import { credentials, Metadata } from '@grpc/grpc-js';
import { ProviderEvents } from '@openfeature/server-sdk';
import { SwitchyardProvider } from '@switchyard/openfeature-provider';
import { FlagSyncServiceClient, SyncFlagsRequestSchema } from '@switchyard/protocol';
import { daemonCommand } from '../launchpad/daemon-process.js';
import { ALL_KEYS, SOURCE_URIS } from './model.js';

const SETPRIV = '/usr/bin/setpriv';
const NOBODY = 65534;

/** Whether the daemon runs as a user that `chmod 000` locks out. */
export const canDenyRead = process.getuid?.() !== 0 || existsSync(SETPRIV);

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
  readonly [field: string]: unknown;
}

/** Swc's from-source cache must be writable by the daemon's user. */
function childTmp(): string {
  const dir = join(tmpdir(), 'switchyard-fault-injection-tmp');
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) chownSync(dir, NOBODY, NOBODY);
  chmodSync(dir, 0o755);
  return dir;
}

export class DaemonChild {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<string>;
  syncPort = 0;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();

  constructor(cwd: string, onLog: () => void) {
    const [cmd, ...prefix] = daemonCommand();
    const args = [...prefix, 'start', ...SOURCE_URIS.flatMap((u) => ['-f', u])];
    args.push('-g', '0', '-m', '0', '-p', '0', '-r', '0', '-z', 'json');
    if (process.env.SWITCHYARD_FAULT_VERBOSE) args.push('--debug');
    const asRoot = process.getuid?.() === 0 && existsSync(SETPRIV);
    const command = asRoot
      ? [SETPRIV, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', cmd!, ...args]
      : [cmd!, ...args];
    this.child = spawn(command[0]!, command.slice(1), {
      cwd,
      env: { ...process.env, TMPDIR: childTmp() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const read = (stream: NodeJS.ReadableStream) =>
      createInterface({ input: stream }).on('line', (line) => {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ level: 60, msg: line });
        }
        onLog();
        for (const w of [...this.waiters]) w();
      });
    read(this.child.stdout!);
    read(this.child.stderr!);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(`exited with ${code ?? signal}`)),
    );
  }

  /** Resolves once the daemon listens (its sync port is then known). */
  async listening(timeoutMs: number): Promise<void> {
    const line = await Promise.race([
      new Promise<LogLine>((resolve) => {
        const check = () => {
          const found = this.logs.find((l) => l.msg.startsWith('listening'));
          if (found) resolve(found);
        };
        this.waiters.add(check);
        check();
      }),
      this.exited.then((why) => Promise.reject(new Error(`daemon ${why}: ${this.tail()}`))),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`daemon not listening: ${this.tail()}`)), timeoutMs),
      ),
    ]);
    this.syncPort = Number(String(line.sync).split(':').pop());
  }

  tail(): string {
    return this.logs
      .slice(-15)
      .map((l) => l.msg)
      .join('\n');
  }

  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Canonical served state of a SyncFlags payload. */
function canonicalPayload(json: string): string {
  const flags = (JSON.parse(json) as { flags: Record<string, Record<string, unknown>> }).flags;
  return Object.entries(flags)
    .map(([key, f]) => {
      const v = (f.metadata as { v?: number } | undefined)?.v;
      return `${key}=${String(f.defaultVariant ?? '')}@${String(v ?? '')}`;
    })
    .sort()
    .join(' ');
}

/** A raw flagd.sync.v1 SyncFlags stream; `onState` gets each message's served state. */
export function rawSyncClient(port: number, onState: (state: string) => void): () => void {
  const client = new FlagSyncServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  const call = client.syncFlags(create(SyncFlagsRequestSchema, {}), new Metadata());
  call.on('data', (m: { flagConfiguration: string }) =>
    onState(canonicalPayload(m.flagConfiguration)),
  );
  call.on('error', () => {});
  return () => {
    call.cancel();
    client.close();
  };
}

/**
 * What a provider serves now: every flag it finds, canonical. Every resolution is started before
 * any is awaited (each is computed when called), so the state is one snapshot.
 */
export async function providerState(provider: SwitchyardProvider): Promise<string> {
  const results = await Promise.all(
    ALL_KEYS.map((key) => provider.resolveBooleanEvaluation(key, false, {})),
  );
  return results
    .flatMap((r, i) =>
      r.errorCode === undefined
        ? [`${ALL_KEYS[i]}=${r.variant ?? ''}@${String(r.flagMetadata?.v ?? '')}`]
        : [],
    )
    .sort()
    .join(' ');
}

/** A SwitchyardProvider on the daemon; `onState` gets its state after each change. */
export async function providerClient(
  port: number,
  onState: (state: string) => void,
): Promise<{ provider: SwitchyardProvider; close: () => Promise<void> }> {
  const provider = new SwitchyardProvider({
    resolverType: 'in-process',
    host: '127.0.0.1',
    port,
    deadlineMs: 20_000,
  });
  provider.events.addHandler(ProviderEvents.ConfigurationChanged, () => {
    void providerState(provider).then(onState);
  });
  await provider.initialize();
  onState(await providerState(provider));
  return { provider, close: () => provider.onClose() };
}
