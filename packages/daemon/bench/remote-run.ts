// npm run bench:remote (packages/daemon): the remote evaluation section of `npm run bench` alone.
import { remote } from './remote-bench.js';

remote().then(
  (lines) => process.stdout.write(`${lines.join('\n')}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
