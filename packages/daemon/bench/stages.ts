// Where the rename()-to-message time goes, stage by stage, with the daemon and one client in this
// process: `node bench/entry.cjs bench/stages.ts [flags] [rounds]`. Stages: first file event,
// read and parsed (the source's `read` trace), generation published, message received.
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { FlagSyncServiceClient } from '@switchyard/protocol';
import { startDaemon } from '../src/daemon.js';
import { flagsText } from './flags-text.js';

const COUNT = Number(process.argv[2] ?? 100);
const ROUNDS = Number(process.argv[3] ?? 30);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-stages-'));
  const file = join(dir, 'flags.json');
  writeFileSync(file, flagsText(COUNT, 0));
  let marks: Record<string, number> = {};
  const mark = (name: string) => {
    marks[name] ??= performance.now();
  };
  const daemon = await startDaemon({
    sources: [`file:${file}`],
    syncPort: 0,
    managementPort: 0,
    logLevel: 'silent',
    watch: {
      onTrace: (event) => {
        if (event === 'event') mark('event');
        else if (event === 'read') mark('readDone');
      },
    },
  });
  await daemon.ready;
  daemon.subscribe((e) => e.type === 'generation' && mark('published'));
  const client = new FlagSyncServiceClient(
    `127.0.0.1:${daemon.ports.sync}`,
    credentials.createInsecure(),
  );
  const call = client.syncFlags(
    { $typeName: 'flagd.sync.v1.SyncFlagsRequest', providerId: '', selector: '' },
    new Metadata(),
  );
  let onData: () => void = () => {};
  call.on('data', () => onData());
  call.on('error', () => {});
  await new Promise<void>((resolve) => {
    onData = resolve;
  });
  const rows: Record<string, number[]> = {};
  const add = (name: string, ms: number) => {
    rows[name] = [...(rows[name] ?? []), ms];
  };
  for (let r = 1; r <= ROUNDS; r++) {
    marks = {};
    const text = flagsText(COUNT, r);
    const received = new Promise<void>((resolve) => {
      onData = resolve;
    });
    const t0 = performance.now();
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    await received;
    mark('received');
    let previous = t0;
    for (const [name, at] of Object.entries(marks)) {
      add(name, at - previous);
      previous = at;
    }
    add('total', performance.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  console.log(
    `${COUNT} flags, ${ROUNDS} rounds; ms per stage (since the previous one): p50 p90 p99`,
  );
  for (const [name, xs] of Object.entries(rows)) {
    const cells = [50, 90, 99].map((p) => pct(xs, p).toFixed(2).padStart(7));
    console.log(`${name.padEnd(10)} ${cells.join(' ')}`);
  }
  call.cancel();
  client.close();
  await daemon.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
