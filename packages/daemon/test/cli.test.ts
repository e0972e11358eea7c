// The `switchyard` command line: flagd's start options, short forms, FLAGD_* variables and
// --config (the flagd testbed's launchpad configs; https://flagd.dev/reference/flagd-cli/flagd_start/),
// --help, --version, exit code 2 for bad usage, clear errors for providers that are not supported
// yet, what `npm start -- ARGS` runs, and the real command in a child process.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateTestbed } from '../../../scripts/flagd-testbed.cjs';
import { main } from '../src/cli/main.js';
import { parseCommandLine } from '../src/cli/command-line.js';
import { npmStartArgs } from '../src/cli/npm-start.js';
import { resolveStartOptions } from '../src/cli/resolve-options.js';
import { START_OPTIONS } from '../src/cli/spec.js';
import { VERSION } from '../src/version.js';
import { flagsDoc, tempDir } from './helpers/harness.js';

const TESTBED = locateTestbed().dir;
const resolve = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  resolveStartOptions(parseCommandLine(argv).args, env);

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

describe('switchyard start options (as flagd start)', () => {
  test('long and short forms, repeatable and comma-separated --uri, -X pairs', () => {
    const r = resolve([
      'start',
      '-f',
      'file:a.json',
      '--uri=file:b.yaml,file:c',
      '-g',
      '9015',
      '-m9014',
      '-p',
      '9013',
      '-r',
      '9016',
      '-X',
      'env=prod,tier=1',
      '--context-value',
      'k=a=b',
      '--stream-deadline',
      '1m30s',
      '--disable-sync-metadata',
      '-z',
      'json',
      '-x',
      '-c',
      'cert.pem',
      '-k',
      'key.pem',
      '-e',
      '/tmp/s.sock',
    ]);
    expect(r.options).toMatchObject({
      sources: ['file:a.json', 'file:b.yaml', 'file:c'],
      syncPort: 9015,
      managementPort: 9014,
      contextValues: { env: 'prod', tier: '1', k: 'a=b' },
      streamDeadlineMs: 90_000,
      disableSyncMetadata: true,
      logFormat: 'json',
      debug: true,
      serverCertPath: 'cert.pem',
      serverKeyPath: 'key.pem',
      syncSocketPath: '/tmp/s.sock',
    });
    expect([r.evaluationPort, r.ofrepPort]).toEqual([9013, 9016]);
  });

  test("defaults are flagd's ports", () => {
    const r = resolve(['start', '-f', 'file:x.json']);
    expect(r.options).toMatchObject({
      syncPort: 8015,
      managementPort: 8014,
      streamDeadlineMs: 0,
      disableSyncMetadata: false,
      logFormat: 'console',
    });
    expect([r.evaluationPort, r.ofrepPort]).toEqual([8013, 8016]);
  });

  test('FLAGD_* environment variables, overridden by the command line', () => {
    const env = {
      FLAGD_URI: 'file:e1.json,file:e2.json',
      FLAGD_SYNC_PORT: '7015',
      FLAGD_MANAGEMENT_PORT: '7014',
      FLAGD_CONTEXT_VALUE: 'a=1,b=2',
      FLAGD_SOURCES: '[{"uri":"s.json","provider":"file"}]',
      FLAGD_DEBUG: 'true',
      FLAGD_LOG_FORMAT: 'json',
      FLAGD_DISABLE_SYNC_METADATA: 'true',
      FLAGD_STREAM_DEADLINE: '10s',
      FLAGD_MAX_CONTEXT_DEPTH: '8',
      FLAGD_MAX_CONTEXT_KEYS: '500',
    };
    expect(resolve(['start'], env).options).toMatchObject({
      sources: ['file:e1.json', 'file:e2.json', { uri: 's.json', provider: 'file' }],
      syncPort: 7015,
      managementPort: 7014,
      contextValues: { a: '1', b: '2' },
      debug: true,
      logFormat: 'json',
      disableSyncMetadata: true,
      streamDeadlineMs: 10_000,
      maxContextDepth: 8,
      maxContextKeys: 500,
    });
    expect(resolve(['start', '-g', '1234', '-f', 'file:cli.json'], env).options).toMatchObject({
      syncPort: 1234,
      sources: ['file:cli.json', { uri: 's.json' }],
    });
  });

  test.each(readdirSync(join(TESTBED, 'launchpad/configs')))(
    '--config with the testbed launchpad config %s',
    (name) => {
      const r = resolve(['start', '--config', join(TESTBED, 'launchpad/configs', name)]);
      expect(r.options.sources.length).toBeGreaterThan(0);
      for (const s of r.options.sources) expect(s).toMatchObject({ provider: 'file' });
      if (name !== 'metadata.json')
        expect(r.options.contextValues).toEqual({ injectedmetadata: 'set' });
      if (name === 'ssl.json')
        expect(r.options).toMatchObject({
          serverCertPath: '/ssl/server-cert.pem',
          serverKeyPath: '/ssl/server-key.pem',
        });
      expect(r.options.disableSyncMetadata).toBe(name === 'sync-payload.json');
    },
  );

  test('--config in YAML; environment and command line win over it', () => {
    const dir = tempDir();
    const path = join(dir, 'switchyard.yaml');
    writeFileSync(
      path,
      'uri: [file:y.json]\nsync-port: 6015\ncontext-value: {team: core}\nstream-deadline: 5s\n',
    );
    expect(resolve(['start', '--config', path]).options).toMatchObject({
      sources: ['file:y.json'],
      syncPort: 6015,
      contextValues: { team: 'core' },
      streamDeadlineMs: 5000,
    });
    expect(
      resolve(['start', '--config', path, '-g', '1'], { FLAGD_SYNC_PORT: '2' }).options.syncPort,
    ).toBe(1);
    expect(resolve(['start', '--config', path], { FLAGD_SYNC_PORT: '2' }).options.syncPort).toBe(2);
  });
});

describe('usage errors exit with code 2', () => {
  test.each([
    [['start', '--bogus'], /unknown option --bogus/],
    [['start', '-q', 'x'], /unknown option -q/],
    [['start'], /no flag source/],
    [['start', '-f'], /-f needs a value/],
    [['start', '-f', 'file:x', '-g', 'http'], /not a port number/],
    [['start', '-f', 'file:x', '--stream-deadline', '10'], /invalid duration "10"/],
    [['start', '-f', 'file:x', '--log-format', 'xml'], /console or json/],
    [['start', '-f', 'ftp://x'], /unsupported URI "ftp:\/\/x"/],
    [['launch'], /unknown command "launch"/],
    [['start', '-f', 'file:x', 'extra'], /unexpected argument "extra"/],
    [['start', '--config', '/nonexistent/c.json'], /cannot read/],
    [['start', '-f', 'file:x', '--max-context-depth', '1001'], /from 1 to 1,000/],
    [['start', '-f', 'file:x', '--max-context-keys', '0'], /from 1 to 1,000,000/],
  ])('%j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('an unknown key in --config is an error', async () => {
    const path = join(tempDir(), 'c.json');
    writeFileSync(path, '{"sources": [], "sync-prot": 1}');
    const r = await run(['start', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown key "sync-prot"/);
  });
});

describe('providers flagd has and switchyard does not serve', () => {
  test.each([
    [
      ['-f', 'core.openfeature.dev/default/flags'],
      /"kubernetes" provider .* not supported: .*ConfigMap/,
    ],
    [['-f', 's3://bucket/flags.json'], /"s3" provider .* not supported/],
    [['-f', 'gs://bucket/flags.json'], /"gcs" provider .* not supported/],
    [['-f', 'azblob://c/flags.json'], /"azblob" provider .* not supported/],
    [
      ['--sources', '[{"uri":"http://x/f.json","provider":"http","oauth":{"clientID":"c"}}]'],
      /OAuth client credentials \("oauth"\) are not supported/,
    ],
    [
      ['--sources', '[{"uri":"x","provider":"kubernetes"}]'],
      /"kubernetes" provider .* not supported/,
    ],
  ])('%j', async (argv, message) => {
    const r = await run(['start', '-g', '0', '-m', '0', ...argv]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('telemetry options', () => {
  test('--metrics-exporter otel --otel-collector-uri reach the daemon options; other exporters are usage errors', async () => {
    const { options, ignored } = resolve([
      'start',
      '-f',
      'file:x',
      '--metrics-exporter',
      'otel',
      '--otel-collector-uri',
      'otel-collector.observability:4317',
      '--otel-reload-interval',
      '30m',
    ]);
    expect(options.telemetry).toEqual({
      metricsExporter: 'otel',
      otelCollectorUri: 'otel-collector.observability:4317',
      otelReloadIntervalMs: 1_800_000,
    });
    expect(ignored).toEqual([]);
    expect(resolve(['start', '-f', 'file:x']).options.telemetry).toEqual({
      metricsExporter: 'prometheus',
    });
    const r = await run(['start', '-f', 'file:x', '--metrics-exporter', 'statsd']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--metrics-exporter must be prometheus or otel/);
    const bad = await run(['start', '-f', 'file:x', '-t', 'otel', '-o', 'not a uri']);
    expect(bad.stderr).toMatch(/--otel-collector-uri: "not a uri" is not host:port or a URL/);
  });
});

describe('help', () => {
  test('switchyard --help and start --help document every option', async () => {
    const root = await run(['--help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/switchyard start/);
    const start = await run(['start', '--help']);
    expect(start.code).toBe(0);
    for (const o of START_OPTIONS) {
      expect(start.stdout).toContain(`--${o.name}`);
      if (o.short) expect(start.stdout).toContain(`-${o.short}, --${o.name}`);
    }
    expect(start.stdout).toContain('FLAGD_SYNC_PORT');
  });
});

describe('--version', () => {
  test.each([[['--version']], [['version']], [['start', '--version']], [['--version', 'start']]])(
    '%j prints the version and exits 0',
    async (argv) => {
      const r = await run(argv);
      expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    },
  );

  test('flagd has no -v, and neither does switchyard', async () => {
    const r = await run(['-v']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option -v/);
  });

  test('--version and --help are command-line only: no FLAGD_ variable, no --config key', async () => {
    expect(resolve(['start', '-f', 'file:x'], { FLAGD_VERSION: 'true' }).ignored).toEqual([]);
    const path = join(tempDir(), 'c.json');
    writeFileSync(path, '{"uri": ["file:x"], "version": true}');
    const r = await run(['start', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown key "version"/);
  });
});

describe('npm start -- ARGS (scripts/entry.mjs)', () => {
  test.each([
    [[], ['start', '--uri', 'file:flags']],
    [
      ['--port', '18013'],
      ['start', '--port', '18013', '--uri', 'file:flags'],
    ],
    [
      ['start', '-p', '18013'],
      ['start', '-p', '18013', '--uri', 'file:flags'],
    ],
    [
      ['-f', 'file:mine.json'],
      ['start', '-f', 'file:mine.json'],
    ],
    [
      ['--uri=file:mine.json', '-p', '1'],
      ['start', '--uri=file:mine.json', '-p', '1'],
    ],
    [
      ['--sources', '[]'],
      ['start', '--sources', '[]'],
    ],
    [
      ['--config', 'c.yaml'],
      ['start', '--config', 'c.yaml'],
    ],
    [
      ['validate', 'flags'],
      ['validate', 'flags'],
    ],
    [['--bogus'], ['start', '--bogus']],
  ])('%j → switchyard %j', (args, expected) => {
    expect(npmStartArgs(args, {})).toEqual(expected);
  });

  test('sources from the environment replace the default too', () => {
    expect(npmStartArgs(['-p', '1'], { FLAGD_URI: 'file:env.json' })).toEqual(['start', '-p', '1']);
    expect(npmStartArgs(['-p', '1'], { FLAGD_URI: '' })).toEqual([
      'start',
      '-p',
      '1',
      '--uri',
      'file:flags',
    ]);
  });

  test('the result is a valid start command line serving ./flags on the given port', () => {
    const r = resolve(npmStartArgs(['--port', '18013'], {}));
    expect(r.options.sources).toEqual(['file:flags']);
    expect(r.evaluationPort).toBe(18013);
  });
});

describe('the command in a child process', () => {
  const dev = join(__dirname, 'helpers/switchyard-dev.cjs');

  function spawnDaemon(args: string[], cwd: string) {
    const child = spawn(process.execPath, [dev, ...args], {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let out = '';
    let err = '';
    const waiters: (() => void)[] = [];
    child.stdout.on('data', (d) => {
      out += d;
      for (const w of waiters.splice(0)) w();
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const line = (re: RegExp) =>
      new Promise<RegExpMatchArray>((resolve) => {
        const check = () => {
          const m = out.match(re);
          if (m) resolve(m);
          else waiters.push(check);
        };
        check();
      });
    return { child, exited, line, output: () => out + err };
  }

  test('starts from a testbed-style --config with relative paths (resolved against the cwd), serves /readyz, exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'flags.json'), flagsDoc({ a: 'on' }));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        sources: [{ uri: 'flags.json', provider: 'file' }],
        'context-value': { k: 'v' },
      }),
    );
    const d = spawnDaemon(
      ['start', '--config', 'config.json', '-g', '0', '-m', '0', '--log-format', 'json'],
      dir,
    );
    const [, port] = (await d.line(/"management":(\d+)/)) as RegExpMatchArray;
    const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toMatchObject({
      ready: true,
      sources: [{ source: 'flags.json', flags: 1 }],
    });
    expect(d.output()).toMatch(
      /"msg":"published generation 1 from flags\.json: 1 added, 0 changed, 0 removed"/,
    );
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(d.output()).toMatch(/"msg":"stopped"/);
  });

  test('an unknown option exits with code 2', async () => {
    const d = spawnDaemon(['start', '--nope'], tempDir());
    expect(await d.exited).toBe(2);
    expect(d.output()).toMatch(/unknown option --nope/);
  });
});
