// A file source in a child process, for tests that need another user (EACCES cannot be
// produced for root): `node watch-child.cjs <path>` prints each update as one JSON line,
// `{served, problems}`, and exits when stdin closes.
import { FileSource } from '../../src/index.js';

const path = process.argv[2]!;
const source = new FileSource(
  { id: path, path },
  { parse: { mode: 'strict', targetingErrors: 'isolate' }, settleMs: 20 },
);
void source.start((update) => {
  const served = update.configuration
    ? Object.fromEntries(update.configuration.flags.map((f) => [f.key, f.defaultVariant]))
    : undefined;
  const problems = update.problems.map((p) => `${p.code} ${p.message}`);
  process.stdout.write(`${JSON.stringify({ served, problems })}\n`);
});
process.stdin.on('end', () => {
  void source.close().then(() => process.exit(0));
});
process.stdin.resume();
