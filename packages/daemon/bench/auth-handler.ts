// bench:auth, in-process: what --auth-config adds to one gRPC ResolveBoolean handler call — the
// grpc-js handler (GrpcHandlers) and the evaluation service, with a call shaped as grpc-js hands
// it (metadata with the token, getPeer, getAuthContext) on a connection that already
// authenticated. The transport's own work, the same with and without auth, is left out, so the
// difference is the cost of the check alone, unmoved by other processes' load.
import { Metadata } from '@grpc/grpc-js';
import { pino } from 'pino';
import { AccessPolicy } from '../src/auth/access-policy.js';
import { parseAuthConfig } from '../src/auth/auth-config.js';
import { parseFlags } from '../src/engine.js';
import { createMetrics } from '../src/metrics.js';
import { contextMerger } from '../src/remote/context.js';
import { EvaluationService } from '../src/remote/evaluation-service.js';
import { EventStreams } from '../src/remote/event-stream.js';
import type { GrpcConnections } from '../src/remote/grpc-connections.js';
import { GrpcHandlers } from '../src/remote/grpc-handlers.js';
import { GenerationStore } from '../src/store/generation-store.js';
import { BENCH_TOKEN, median } from './load.js';

type Handler = (call: unknown, callback: (error: unknown, response?: unknown) => void) => void;

function storeOfBoolFlag(): GenerationStore {
  const store = new GenerationStore({ sources: ['bench'] });
  const flags = {
    'bool-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
  };
  const parsed = parseFlags(JSON.stringify({ flags }), { mode: 'strict' });
  store.apply({
    sourceId: 'bench',
    configuration: parsed.configuration!,
    problems: [],
    warnings: [],
    eventAt: undefined,
  });
  store.start();
  return store;
}

function resolveBoolean(store: GenerationStore, access: AccessPolicy | undefined): Handler {
  const logger = pino({ level: 'silent' });
  const view = (selector: Parameters<GenerationStore['view']>[0]) => store.view(selector);
  const service = new EvaluationService({
    view,
    context: contextMerger({ staticValues: {}, headerMappings: {} }),
    access,
  });
  const events = new EventStreams({ view, keepAliveMs: 60_000, streamDeadlineMs: 0, logger });
  // Every call on one connection, as a keep-alive client's.
  const session = {};
  const connections = { of: () => session } as unknown as GrpcConnections;
  return new GrpcHandlers({ service, events, connections }).v2().resolveBoolean as Handler;
}

/** The policy of the bench's daemon with --auth-config: BENCH_TOKEN reads every flag. */
export function benchPolicy(): AccessPolicy {
  const config = parseAuthConfig(
    'bench.json',
    JSON.stringify({ clients: [{ id: 'bench', token: BENCH_TOKEN, selectors: ['*'] }] }),
  );
  return new AccessPolicy(config, { metrics: createMetrics(), logger: pino({ level: 'silent' }) });
}

/** ns per handler call without and with --auth-config: medians of 9 alternating runs. */
export function handlerNs(): { off: number; on: number } {
  const store = storeOfBoolFlag();
  const policy = benchPolicy();
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${BENCH_TOKEN}`);
  const call = {
    metadata,
    request: { flagKey: 'bool-flag', context: { targetingKey: 'user-1' } },
    getPeer: () => '127.0.0.1:50000',
    getAuthContext: () => ({}),
  };
  let answered = 0;
  const callback = (error: unknown) => {
    if (error === null) answered++;
  };
  const time = (handler: Handler) => {
    const n = 200_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) handler(call, callback);
    return Number(process.hrtime.bigint() - start) / n;
  };
  const off = resolveBoolean(store, undefined);
  const on = resolveBoolean(store, policy);
  const offs: number[] = [];
  const ons: number[] = [];
  for (let run = 0; run < 9; run++) {
    offs.push(time(off));
    ons.push(time(on));
  }
  if (answered !== 2 * 9 * 200_000) throw new Error('a handler call failed');
  return { off: median(offs), on: median(ons) };
}
