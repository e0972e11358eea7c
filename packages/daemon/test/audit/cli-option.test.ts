// `--audit-log FILE` (env FLAGD_AUDIT_LOG, --config key `audit-log`) reaches the
// daemon options like every other start option, and the help marks it as a Switchyard extension.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/cli/command-line.js';
import { startHelp } from '../../src/cli/help.js';
import { resolveStartOptions } from '../../src/cli/resolve-options.js';
import { tempDir } from '../helpers/harness.js';

const resolve = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  resolveStartOptions(parseCommandLine(argv).args, env).options;

describe('--audit-log', () => {
  test('command line > FLAGD_AUDIT_LOG > --config; absent by default', () => {
    const config = join(tempDir(), 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ uri: ['file:a.json'], 'audit-log': 'from-config.jsonl' }),
    );
    expect(resolve(['start', '-f', 'file:a.json']).auditLog).toBeUndefined();
    expect(resolve(['start', '--config', config]).auditLog).toBe('from-config.jsonl');
    expect(
      resolve(['start', '--config', config], { FLAGD_AUDIT_LOG: 'from-env.jsonl' }).auditLog,
    ).toBe('from-env.jsonl');
    expect(
      resolve(['start', '--config', config, '--audit-log', 'cli.jsonl'], {
        FLAGD_AUDIT_LOG: 'from-env.jsonl',
      }).auditLog,
    ).toBe('cli.jsonl');
  });

  test('the help lists it with its variable and says it is not a flagd option', () => {
    const line = startHelp()
      .split('\n')
      .find((l) => l.includes('--audit-log FILE'));
    expect(line).toMatch(/Switchyard extension, not in flagd.*\[FLAGD_AUDIT_LOG\]/);
  });
});
