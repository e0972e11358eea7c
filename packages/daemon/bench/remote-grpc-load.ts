// Child process of the remote-evaluation bench: a grpc-js load generator for unary
// flagd.evaluation.v2 ResolveBoolean. Keeps `concurrency` calls in flight over `channels`
// channels for a warm-up and then `seconds`, and prints {requests, rps, p50, p99} (ms) as JSON,
// with `total`: every call answered, warm-up included.
// With a rate, calls start at that many per second instead (open loop, at most `concurrency` in
// flight; calls that would pass that bound are not made and counted as `missed`): a server
// then does the same work per second whatever its speed (bench:auth's CPU per request).
// Usage: remote-grpc-load.ts <host:port> [seconds] [concurrency] [channels] [token|-] [rate]
import { Metadata, credentials } from '@grpc/grpc-js';
import { EvaluationV2ServiceClient } from '@switchyard/protocol';

const [target = '', secondsArg = '8', concurrencyArg = '32', channelsArg = '4', tokenArg, rateArg] =
  process.argv.slice(2);
const token = tokenArg === '-' ? undefined : tokenArg;
const rate = Number(rateArg ?? 0);
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);
const channels = Number(channelsArg);
/** As WARMUP_S in load.ts. */
const WARMUP_MS = 2000;

const clients = Array.from(
  { length: channels },
  (_, i) =>
    new EvaluationV2ServiceClient(target, credentials.createInsecure(), {
      // One connection per client, so `channels` really means connections.
      'grpc.use_local_subchannel_pool': 1,
      'grpc.channel_id': i,
    } as object),
);
const request = {
  $typeName: 'flagd.evaluation.v2.ResolveBooleanRequest',
  flagKey: 'bool-flag',
  context: { targetingKey: 'user-1' },
} as never;
const metadata = new Metadata();
// A daemon with --auth-config (bench:auth): the same token on every call.
if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);

let latencies = new Float64Array(1 << 16);
let count = 0;
let total = 0;
let errors = 0;
let recording = false;
let stopped = false;
const started = Date.now();
let measureFrom = 0;

function record(ms: number): void {
  if (count === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[count++] = ms;
}

let inFlight = 0;
let missed = 0;

/** One call; `then` runs when it completed. */
function resolve(client: InstanceType<typeof EvaluationV2ServiceClient>, then: () => void): void {
  const t0 = performance.now();
  inFlight++;
  client.resolveBoolean(request, metadata, {}, (error) => {
    inFlight--;
    total++;
    if (error) errors++;
    else if (recording) record(performance.now() - t0);
    then();
  });
}

function loop(client: InstanceType<typeof EvaluationV2ServiceClient>): void {
  if (!stopped) resolve(client, () => loop(client));
}

/** Starts calls at `rate` per second, round robin over the channels. */
function paced(): void {
  let started = 0;
  const from = performance.now();
  const tick = setInterval(() => {
    if (stopped) return clearInterval(tick);
    const due = Math.floor(((performance.now() - from) / 1000) * rate);
    for (; started < due; started++) {
      if (inFlight >= concurrency) missed++;
      else resolve(clients[started % channels]!, () => {});
    }
  }, 5);
}

if (rate > 0) paced();
else for (let i = 0; i < concurrency; i++) loop(clients[i % channels]!);
setTimeout(() => {
  recording = true;
  measureFrom = performance.now();
}, WARMUP_MS);
setTimeout(
  () => {
    stopped = true;
    const elapsed = (performance.now() - measureFrom) / 1000;
    const sorted = latencies.subarray(0, count).sort();
    const at = (q: number) => sorted[Math.min(count - 1, Math.floor(q * count))] ?? 0;
    process.stdout.write(
      `${JSON.stringify({ requests: count, total, rps: count / elapsed, p50: at(0.5), p99: at(0.99), errors, missed, wallMs: Date.now() - started })}\n`,
    );
    for (const c of clients) c.close();
    process.exit(0);
  },
  WARMUP_MS + seconds * 1000,
);
