// The `switchyard` command dispatches validate, diff and eval to @switchyard/gitops: run as a
// child process (real argv, real exit codes) from the TypeScript sources through the test shim,
// so it needs no build. The commands themselves are covered in-process in packages/gitops/test.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES } from '../../gitops/test/helpers.js';

const DEV = join(__dirname, 'helpers', 'switchyard-dev.cjs');
const run = promisify(execFile);

async function cli(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [DEV, ...args], {
      cwd,
      env: { ...process.env, SWITCHYARD_NOW: '2025-06-01' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('switchyard validate, diff and eval in a child process', () => {
  test('validate: exit 0 clean, 1 problems, 2 usage; SARIF on stdout', async () => {
    const dir = join(FIXTURES, 'validate');
    expect((await cli(['validate', 'clean'], dir)).code).toBe(0);
    const bad = await cli(['validate', 'bad', '--format', 'sarif'], dir);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).version).toBe('2.1.0');
    expect((await cli(['validate'], dir)).code).toBe(2);
  });

  test('diff: --max-impact gate', async () => {
    const dir = join(FIXTURES, 'diff');
    const r = await cli(
      ['diff', 'old/rollout.json', 'new/rollout.json', '--sample', '20000', '--max-impact', '5%'],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/off → on/);
  });

  test('eval --explain', async () => {
    const r = await cli(
      ['eval', 'new-search', '--explain', '--context', '{"targetingKey":"u1"}'],
      join(FIXTURES, 'eval'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/bucketing value "new-searchu1"/);
  });
});
