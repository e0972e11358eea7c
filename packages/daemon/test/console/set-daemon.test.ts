// `switchyard set --daemon URL` against a running daemon: the edit is written, the daemon
// publishes it, and the command returns once the daemon serves it (the console API answers the
// new default), naming the generation; a daemon that never serves it makes the command fail.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSet } from '@switchyard/gitops';
import { startTestDaemon, tempDir } from '../helpers/harness.js';

const OPS = `# Kill switches
flags:
  ops_search_enabled:
    state: ENABLED
    variants: { "on": true, "off": false }
    defaultVariant: "on"   # the search backend
    metadata: { owner: team-search }
`;

function io(cwd: string) {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd,
    env: {},
    out: () => out,
    err: () => err,
  };
}

test('set --daemon returns once the running daemon serves the change', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'ops.yaml'), OPS);
  const t = await startTestDaemon({ dir });
  try {
    const url = `http://127.0.0.1:${t.daemon.ports.management}`;
    const cli = io(dir);
    const code = await runSet(
      [
        'ops_search_enabled',
        'ops.yaml',
        '--variant',
        'off',
        '--incident',
        'INC-9: search down',
        '--daemon',
        url,
      ],
      cli,
    );
    expect(cli.err()).toBe('');
    expect(code).toBe(0);
    expect(cli.out()).toMatch(new RegExp(`served by ${url} in generation (\\d+)`));
    const generation = Number(/in generation (\d+)/.exec(cli.out())?.[1]);
    expect(generation).toBeGreaterThan(1);
    const served = t.daemon.generation()?.flags.find((m) => m.flag.key === 'ops_search_enabled');
    expect(served?.flag.defaultVariant).toBe('off');
    expect(served?.flag.metadata.incident).toBe('INC-9: search down');
    expect(readFileSync(join(dir, 'ops.yaml'), 'utf8')).toBe(
      OPS.replace('defaultVariant: "on"', 'defaultVariant: "off"').replace(
        'metadata: { owner: team-search }',
        'metadata: { owner: team-search, incident: "INC-9: search down" }',
      ),
    );
  } finally {
    await t.close();
  }
});

test('a daemon that does not serve the file makes set fail after --timeout', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'ops.yaml'), OPS);
  const elsewhere = await startTestDaemon({ files: { 'other.json': '{"flags":{}}' } });
  try {
    const cli = io(dir);
    const url = `http://127.0.0.1:${elsewhere.daemon.ports.management}`;
    const code = await runSet(
      [
        'ops_search_enabled',
        'ops.yaml',
        '--state',
        'DISABLED',
        '--daemon',
        url,
        '--timeout',
        '300ms',
      ],
      cli,
    );
    expect(code).toBe(1);
    expect(cli.out()).toContain('not served by');
    expect(cli.out()).toContain('does not serve the flag');
  } finally {
    await elsewhere.close();
  }
});
