// Options, environment variables, defaults and precedence: flagd-testbed gherkin/config.feature
// (its option table, which this file follows row by row).
import { DEFAULTS, ProviderOptionError, SwitchyardProvider, resolveOptions } from '../src/index.js';
import type { Environment } from '../src/index.js';

const none: Environment = {};

describe('defaults (config.feature "Default Config")', () => {
  const o = resolveOptions({}, none);
  test.each([
    ['resolverType', 'rpc'],
    ['deadlineMs', 500],
    ['host', 'localhost'],
    ['port', 8013],
    ['tls', false],
    ['fatalStatusCodes', []],
    ['targetUri', undefined],
    ['certPath', undefined],
    ['socketPath', undefined],
    ['streamDeadlineMs', 600000],
    ['keepAliveTime', 0],
    ['retryBackoffMs', 1000],
    ['retryBackoffMaxMs', 12000],
    ['retryGracePeriod', 5],
    ['selector', undefined],
    ['offlineFlagSourcePath', undefined],
    ['offlinePollIntervalMs', 5000],
    ['providerId', undefined],
    ['cacheDir', undefined],
    ['cache', 'lru'],
    ['maxCacheSize', 1000],
    ['maxMsgSize', 4194304],
  ])('%s defaults to %p', (key, value) => {
    expect(o[key as keyof typeof o]).toEqual(value);
  });

  test('in-process defaults to the sync port 8015 ("Default Config In-Process")', () => {
    expect(resolveOptions({ resolverType: 'in-process' }, none).port).toBe(8015);
  });

  test('the default contextEnricher is the identity (null becomes {})', () => {
    expect(o.contextEnricher({ a: 1 })).toEqual({ a: 1 });
    expect(o.contextEnricher(null)).toEqual({});
  });
});

describe('options and environment variables ("Dedicated Config", "via Env_var", "and set")', () => {
  test.each([
    ['host', 'FLAGD_HOST', 'local', 'l', 'local'],
    ['port', 'FLAGD_PORT', 1234, '3456', 1234],
    ['tls', 'FLAGD_TLS', true, 'False', true],
    ['targetUri', 'FLAGD_TARGET_URI', 'path', 'fun', 'path'],
    ['certPath', 'FLAGD_SERVER_CERT_PATH', 'path', 'rpc', 'path'],
    ['socketPath', 'FLAGD_SOCKET_PATH', 'path', 'rpc', 'path'],
    ['deadlineMs', 'FLAGD_DEADLINE_MS', 123, '345', 123],
    ['streamDeadlineMs', 'FLAGD_STREAM_DEADLINE_MS', 500000, '400', 500000],
    ['keepAliveTime', 'FLAGD_KEEP_ALIVE_TIME_MS', 5, '4', 5],
    ['retryBackoffMs', 'FLAGD_RETRY_BACKOFF_MS', 5000, '4', 5000],
    ['retryBackoffMaxMs', 'FLAGD_RETRY_BACKOFF_MAX_MS', 12000, '4', 12000],
    ['retryGracePeriod', 'FLAGD_RETRY_GRACE_PERIOD', 10, '4', 10],
    ['selector', 'FLAGD_SOURCE_SELECTOR', 'selector', 'sele', 'selector'],
    ['providerId', 'FLAGD_PROVIDER_ID', 'providerId', 'env-prov', 'providerId'],
    ['offlinePollIntervalMs', 'FLAGD_OFFLINE_POLL_MS', 1000, '4', 1000],
    ['fatalStatusCodes', 'FLAGD_FATAL_STATUS_CODES', ['A', 'B'], 'C, D', ['A', 'B']],
    ['cacheDir', 'FLAGD_CACHE_DIR', '/tmp/a', '/tmp/b', '/tmp/a'],
    ['maxMsgSize', 'FLAGD_MAX_MSG_SIZE', 8388608, '5242880', 8388608],
    ['defaultAuthority', 'FLAGD_DEFAULT_AUTHORITY', 'a.svc', 'b.svc', 'a.svc'],
    ['cache', 'FLAGD_CACHE', 'disabled', 'lru', 'disabled'],
    ['maxCacheSize', 'FLAGD_MAX_CACHE_SIZE', 1236, '2345', 1236],
  ])(
    '%s: option is used, %s is used alone, and the option wins',
    (key, env, option, envValue, expected) => {
      const base = key === 'port' ? { resolverType: 'rpc' as const } : {};
      const fromOption = resolveOptions({ ...base, [key]: option }, none);
      expect(fromOption[key as keyof typeof fromOption]).toEqual(expected);
      const fromEnv = resolveOptions(base, { [env]: envValue });
      const parsed =
        key === 'fatalStatusCodes'
          ? ['C', 'D']
          : typeof option === 'number'
            ? Number(envValue)
            : typeof option === 'boolean'
              ? envValue.toLowerCase() === 'true'
              : envValue;
      expect(fromEnv[key as keyof typeof fromEnv]).toEqual(parsed);
      const both = resolveOptions({ ...base, [key]: option }, { [env]: envValue });
      expect(both[key as keyof typeof both]).toEqual(expected);
    },
  );

  test('offlineFlagSourcePath from option and FLAGD_OFFLINE_FLAG_SOURCE_PATH (option wins)', () => {
    const env = { FLAGD_OFFLINE_FLAG_SOURCE_PATH: 'lll' };
    expect(resolveOptions({ resolverType: 'in-process' }, env).offlineFlagSourcePath).toBe('lll');
    expect(
      resolveOptions({ resolverType: 'in-process', offlineFlagSourcePath: 'path' }, env)
        .offlineFlagSourcePath,
    ).toBe('path');
  });

  test('FLAGD_CACHE is lru or disabled (any case); anything else names the variable', () => {
    expect(resolveOptions({}, { FLAGD_CACHE: 'DISABLED' }).cache).toBe('disabled');
    expect(() => resolveOptions({}, { FLAGD_CACHE: 'mem' })).toThrow(ProviderOptionError);
    expect(() => resolveOptions({}, { FLAGD_CACHE: 'mem' })).toThrow('FLAGD_CACHE');
    expect(() => resolveOptions({}, { FLAGD_MAX_CACHE_SIZE: '-1' })).toThrow(
      'FLAGD_MAX_CACHE_SIZE',
    );
  });

  test('booleans are case-insensitive (FLAGD_TLS=True)', () => {
    expect(resolveOptions({}, { FLAGD_TLS: 'True' }).tls).toBe(true);
    expect(resolveOptions({}, { FLAGD_TLS: 'FALSE' }).tls).toBe(false);
  });

  test('0 is a value, not "unset" (the official provider ignores FLAGD_STREAM_DEADLINE_MS=0)', () => {
    const o = resolveOptions({}, { FLAGD_STREAM_DEADLINE_MS: '0', FLAGD_RETRY_GRACE_PERIOD: '0' });
    expect(o.streamDeadlineMs).toBe(0);
    expect(o.retryGracePeriod).toBe(0);
    expect(resolveOptions({ deadlineMs: 0 }, none).deadlineMs).toBe(0);
  });

  test('maxMsgSize is a whole number of bytes ≥ 1', () => {
    expect(() => resolveOptions({ maxMsgSize: 0 }, none)).toThrow(ProviderOptionError);
    expect(() => resolveOptions({}, { FLAGD_MAX_MSG_SIZE: '1.5' })).toThrow(/FLAGD_MAX_MSG_SIZE/);
  });

  test('empty environment values count as unset', () => {
    expect(resolveOptions({}, { FLAGD_HOST: '', FLAGD_DEADLINE_MS: ' ' }).deadlineMs).toBe(500);
  });
});

describe('resolver and port rules (gherkin/config.feature)', () => {
  test.each([
    ['in-process', 'file'],
    ['rpc', 'rpc'],
    ['file', 'file'],
  ] as const)('resolver %s with offlineFlagSourcePath becomes %s', (set, expected) => {
    expect(
      resolveOptions({ resolverType: set, offlineFlagSourcePath: 'some-path' }, none).resolverType,
    ).toBe(expected);
  });

  test('"file" without a path is an error ("Default Config File")', () => {
    expect(() => resolveOptions({ resolverType: 'file' }, none)).toThrow(ProviderOptionError);
    expect(() => resolveOptions({ resolverType: 'file' }, none)).toThrow(/offlineFlagSourcePath/);
  });

  test.each(['in-process', 'IN-PROCESS', 'rpc', 'RPC'])(
    'FLAGD_RESOLVER=%s is case-insensitive',
    (v) => {
      expect(resolveOptions({}, { FLAGD_RESOLVER: v }).resolverType).toBe(v.toLowerCase());
    },
  );

  test.each(['file', 'FILE'])('FLAGD_RESOLVER=%s works with a path', (v) => {
    const o = resolveOptions({ offlineFlagSourcePath: 'some-path' }, { FLAGD_RESOLVER: v });
    expect(o.resolverType).toBe('file');
  });

  test('the resolver option beats FLAGD_RESOLVER; `resolver` is an alias', () => {
    expect(
      resolveOptions({ resolverType: 'in-process' }, { FLAGD_RESOLVER: 'rpc' }).resolverType,
    ).toBe('in-process');
    expect(resolveOptions({ resolver: 'in-process' }, none).resolverType).toBe('in-process');
  });

  test('FLAGD_SYNC_PORT sets the in-process port ("special In-process case")', () => {
    expect(resolveOptions({ resolverType: 'in-process' }, { FLAGD_SYNC_PORT: '1234' }).port).toBe(
      1234,
    );
  });

  test('FLAGD_SYNC_PORT beats FLAGD_PORT for in-process', () => {
    const env = { FLAGD_SYNC_PORT: '9999', FLAGD_PORT: '8888' };
    expect(resolveOptions({ resolverType: 'in-process' }, env).port).toBe(9999);
  });

  test('FLAGD_PORT alone still sets the in-process port (@legacy-sync-port)', () => {
    expect(resolveOptions({ resolverType: 'in-process' }, { FLAGD_PORT: '1234' }).port).toBe(1234);
  });

  test('FLAGD_SYNC_PORT does not apply to rpc (the official provider applies it everywhere)', () => {
    const env = { FLAGD_SYNC_PORT: '9999', FLAGD_PORT: '8888' };
    expect(resolveOptions({ resolverType: 'rpc' }, env).port).toBe(8888);
  });

  test('the port option beats both port variables', () => {
    const env = { FLAGD_SYNC_PORT: '3456', FLAGD_PORT: '3457' };
    expect(resolveOptions({ resolverType: 'in-process', port: 1234 }, env).port).toBe(1234);
  });

  test('flagConfiguration selects the inline resolver', () => {
    const o = resolveOptions({ flagConfiguration: { flags: {} } }, { FLAGD_RESOLVER: 'rpc' });
    expect(o.resolverType).toBe('inline');
  });
});

describe('invalid values fail at construction with a typed error', () => {
  test.each([
    [{}, { FLAGD_DEADLINE_MS: 'abc' }, /FLAGD_DEADLINE_MS/],
    [{}, { FLAGD_RETRY_BACKOFF_MS: '-5' }, /FLAGD_RETRY_BACKOFF_MS/],
    [{}, { FLAGD_PORT: '70000' }, /FLAGD_PORT/],
    [{}, { FLAGD_TLS: 'yes' }, /FLAGD_TLS/],
    [{}, { FLAGD_RESOLVER: 'grpc' }, /FLAGD_RESOLVER/],
    [{ deadlineMs: Number.NaN }, {}, /deadlineMs/],
    [{ retryGracePeriod: -1 }, {}, /retryGracePeriod/],
    [{ port: 0 }, {}, /port/],
    [{ contextEnricher: 'x' }, {}, /contextEnricher/],
    [{ resolverType: 'in-process', flagConfiguration: {} }, {}, /inline/],
    [{ resolverType: 'inline' }, {}, /flagConfiguration/],
  ])('%p with env %p', (options, env, message) => {
    const run = () => resolveOptions(options as never, env);
    expect(run).toThrow(ProviderOptionError);
    expect(run).toThrow(message);
  });

  test('an envoy:// targetUri without host:port throws from the constructor', () => {
    expect(
      () => new SwitchyardProvider({ resolverType: 'in-process', targetUri: 'envoy://nohost/a' }),
    ).toThrow(/targetUri/);
  });

  test('the constructor reads process.env and exposes the result as provider.options', () => {
    const saved = process.env.FLAGD_DEADLINE_MS;
    process.env.FLAGD_DEADLINE_MS = '321';
    try {
      const provider = new SwitchyardProvider({ flagConfiguration: { flags: {} } });
      expect(provider.options.deadlineMs).toBe(321);
      expect(provider.options.resolverType).toBe('inline');
      expect(Object.isFrozen(provider.options)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.FLAGD_DEADLINE_MS;
      else process.env.FLAGD_DEADLINE_MS = saved;
    }
  });

  test('DEFAULTS match flagd 0.16.0 documentation values', () => {
    expect(DEFAULTS.retryBackoffMaxMs).toBe(12000);
    expect(DEFAULTS.retryGracePeriod).toBe(5);
  });
});

describe('credentials for a daemon with --auth-config (token, token file, client certificate)', () => {
  test('token and client certificate from options and FLAGD_* variables', () => {
    const env: Environment = {
      FLAGD_TOKEN_FILE: '/var/run/secrets/switchyard/token',
      FLAGD_CLIENT_CERT_PATH: '/certs/client.pem',
      FLAGD_CLIENT_KEY_PATH: '/certs/client.key',
      FLAGD_TLS: 'true',
    };
    expect(resolveOptions({}, env)).toMatchObject({
      tokenFile: '/var/run/secrets/switchyard/token',
      clientCertPath: '/certs/client.pem',
      clientKeyPath: '/certs/client.key',
    });
    expect(resolveOptions({ token: 'secret-token-value' }, {}).token).toBe('secret-token-value');
  });

  test.each([
    [{ clientCertPath: '/c.pem', tls: true }, 'clientCertPath', 'needs both'],
    [{ clientCertPath: '/c.pem', clientKeyPath: '/c.key' }, 'clientCertPath', 'over TLS only'],
    [{ token: 'a b' }, 'token', 'no spaces'],
    [{ token: 'abcdefgh', tokenFile: '/t' }, 'token', 'not both'],
  ])('%j is refused, naming %s', (options, name, message) => {
    let error: unknown;
    try {
      resolveOptions(options, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderOptionError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain(message);
    // A token is never part of a message.
    expect((error as Error).message).not.toContain('abcdefgh');
  });
});
