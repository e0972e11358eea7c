// Fault injection: fast-check generates random sequences of real file-system operations (atomic
// save, overwrite in place, truncate then chunked write, git checkout, the ConfigMap `..data`
// swap, directory swaps, dangling links, FIFOs, chmod 000, delete and recreate) against a real
// daemon child process with real clients. After every step: every state a client saw is one the
// files were in, no flag vanished whose file still held it, the daemon serves the final files,
// and every invalid entry was reported.
//
// CI runs RUNS × OPS operations (≥ 300); `npm run soak` sets SWITCHYARD_FAULT_OPS=10000 and
// prints every violation. SWITCHYARD_FAULT_SEED replays a run.
import fc from 'fast-check';
import { opArbitrary } from './operations.js';
import type { Op } from './operations.js';
import { canDenyRead } from './peers.js';
import type { Violation } from './world.js';
import { World } from './world.js';

const TOTAL_OPS = Number(process.env.SWITCHYARD_FAULT_OPS ?? 300);
const OPS_PER_RUN = Math.min(TOTAL_OPS, 60);
const RUNS = Math.ceil(TOTAL_OPS / OPS_PER_RUN);
const SEED = Number(process.env.SWITCHYARD_FAULT_SEED ?? Date.now() % 2 ** 31);

function report(violations: readonly Violation[], operations: number): string {
  const lines = [
    `fault injection: ${operations} operations in ${RUNS} runs (seed ${SEED}${canDenyRead ? '' : ', chmod 000 skipped: no way to drop root'}), ${violations.length} violation(s)`,
  ];
  const byKind = new Map<string, number>();
  for (const v of violations) byKind.set(v.kind, (byKind.get(v.kind) ?? 0) + 1);
  for (const [kind, count] of byKind) lines.push(`  ${kind}: ${count}`);
  for (const v of violations.slice(0, 50)) {
    lines.push(
      `- run ${v.run} step ${v.step} ${v.kind} after ${v.op}\n  ${v.detail.replace(/\n/g, '\n  ')}`,
    );
  }
  return lines.join('\n');
}

test(
  'random file-system operations never lose a flag, and every state served is one the files were in',
  async () => {
    const violations: Violation[] = [];
    const counts = new Map<string, number>();
    let operations = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArbitrary, { minLength: OPS_PER_RUN, maxLength: OPS_PER_RUN }),
        async (ops: Op[]) => {
          const world = await World.create(run++);
          try {
            for (const [i, op] of ops.entries()) {
              await world.step(i, op);
              operations++;
              counts.set(op.type, (counts.get(op.type) ?? 0) + 1);
            }
          } finally {
            await world.close();
            violations.push(...world.violations);
          }
          // Violations are collected and printed together; nothing to shrink against a real daemon.
          return true;
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    const text = report(violations, operations);
    process.stdout.write(
      `${text}\n  operations: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}\n`,
    );
    expect(operations).toBeGreaterThanOrEqual(TOTAL_OPS);
    expect(violations).toEqual([]);
  },
  Math.max(240_000, TOTAL_OPS * 2_000),
);
