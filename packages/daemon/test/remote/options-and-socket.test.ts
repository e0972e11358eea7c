// The remote-evaluation options of `switchyard start` (as flagd start: --port/-p,
// --ofrep-port/-r, --socket-path/-d, --context-from-header/-H, --cors-origin/-C,
// --max-request-body/-B, --max-request-header/-R) and serving flagd.evaluation on a unix socket.
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { EvaluationV2ServiceClient } from '@switchyard/protocol';
import { parseCommandLine } from '../../src/cli/command-line.js';
import { resolveStartOptions } from '../../src/cli/resolve-options.js';
import { tempDir } from '../helpers/harness.js';
import { call, startRemoteDaemon } from './helpers.js';

const resolve = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  resolveStartOptions(parseCommandLine(argv).args, env);

test('defaults: evaluation on 8013 and OFREP on 8016, no CORS, no header mappings', () => {
  const r = resolve(['start', '-f', 'file:x.json']);
  expect(r.options).toMatchObject({
    evaluationPort: 8013,
    ofrepPort: 8016,
    corsOrigins: [],
    contextFromHeaders: {},
  });
  expect(r.options.socketPath).toBeUndefined();
  expect(r.ignored).toEqual([]);
});

test('short and long forms, repeatable -H and -C, byte limits', () => {
  const r = resolve([
    'start',
    '-f',
    'file:x.json',
    '-p',
    '9013',
    '-r',
    '9016',
    '-d',
    '/tmp/eval.sock',
    '-H',
    'X-User-Id=userId',
    '--context-from-header',
    'X-Tenant=tenant',
    '-C',
    'https://a.example,https://b.example',
    '-B',
    '2048',
    '-R',
    '4096',
  ]);
  expect(r.options).toMatchObject({
    evaluationPort: 9013,
    ofrepPort: 9016,
    socketPath: '/tmp/eval.sock',
    contextFromHeaders: { 'X-User-Id': 'userId', 'X-Tenant': 'tenant' },
    corsOrigins: ['https://a.example', 'https://b.example'],
    maxRequestBody: 2048,
    maxRequestHeader: 4096,
  });
  expect(r.ignored).toEqual([]);
});

test('FLAGD_* environment variables', () => {
  const r = resolve(['start', '-f', 'file:x.json'], {
    FLAGD_CORS_ORIGIN: '*',
    FLAGD_CONTEXT_FROM_HEADER: 'X-A=a',
    FLAGD_MAX_REQUEST_BODY: '10',
  });
  expect(r.options).toMatchObject({
    corsOrigins: ['*'],
    contextFromHeaders: { 'X-A': 'a' },
    maxRequestBody: 10,
  });
});

test('a byte limit must be a positive integer', () => {
  expect(() => resolve(['start', '-f', 'file:x.json', '-B', '0'])).toThrow(
    /positive number of bytes/,
  );
});

test('--socket-path serves flagd.evaluation on a unix socket instead of the port', async () => {
  const socketPath = join(tempDir('sy-sock-'), 'eval.sock');
  const d = await startRemoteDaemon({ evaluationTcp: false, socketPath });
  const client = new EvaluationV2ServiceClient(`unix:${socketPath}`, credentials.createInsecure());
  try {
    expect(d.daemon.ports.evaluation).toBeUndefined();
    const r = await call(client, client.resolveString, { flagKey: 'string-flag' } as never);
    expect(r.response).toMatchObject({ value: 'hi', reason: 'STATIC' });
  } finally {
    client.close();
    await d.close();
  }
});
