// The scheme table: flagd's `--uri` prefixes and `--sources` providers resolve to source ids
// exactly as flagd gives them (open-feature/flagd:core/pkg/sync/builder/utils.go); providers
// without a row answer with a typed error instead of a crash.
import { join } from 'node:path';
import { UnsupportedSourceError, UsageError } from '@switchyard/core';
import { createSource, providerOfUri, resolveSource, resolveSources } from '../src/index.js';
import { FileSource } from '../src/index.js';

test('file: URIs and the file providers give flagd ids and absolute paths', () => {
  expect(resolveSource('file:flags/a.json', '/srv')).toEqual({
    id: 'flags/a.json',
    provider: 'file',
    uri: 'file:flags/a.json',
    config: { uri: 'file:flags/a.json', provider: 'file' },
    path: '/srv/flags/a.json',
  });
  for (const provider of ['file', 'fsnotify', 'fileinfo']) {
    expect(resolveSource({ uri: '/etc/flags', provider }, '/srv')).toMatchObject({
      id: '/etc/flags',
      provider,
      path: '/etc/flags',
    });
  }
});

test('repeated ids keep the first (merge order is otherwise kept)', () => {
  const specs = resolveSources(
    ['file:a.json', 'file:b.json', { uri: 'a.json', provider: 'file' }],
    '/x',
  );
  expect(specs.map((s) => s.id)).toEqual(['a.json', 'b.json']);
});

test.each([
  ['core.openfeature.dev/default/flags', 'kubernetes'],
  ['gs://bucket/flags.json', 'gcs'],
  ['azblob://container/flags.json', 'azblob'],
  ['s3://bucket/flags.json', 's3'],
])("%s is flagd's %s provider, not served: UnsupportedSourceError", (uri, provider) => {
  expect(providerOfUri(uri)).toBe(provider);
  expect(() => resolveSource(uri)).toThrow(UnsupportedSourceError);
  expect(() => resolveSource(uri)).toThrow(
    new RegExp(
      `^SOURCE_NOT_SUPPORTED: the "${provider}" provider \\(${uri.replace(/[/.]/g, '\\$&')}\\) is not supported: `,
    ),
  );
});

test('the kubernetes provider says what to use instead', () => {
  expect(() => resolveSource({ uri: 'default/flags', provider: 'kubernetes' })).toThrow(
    /mount the flags as a ConfigMap \(file provider\) or read them from a flagd-proxy or a Switchyard root \(grpc provider\)/,
  );
});

test.each([
  ['https://example.com/flags.json', 'http', 'https://example.com/flags.json'],
  ['http://root:8014/flags', 'http', 'http://root:8014/flags'],
  ['grpc://localhost:9090', 'grpc', 'localhost:9090'],
  ['grpcs://localhost:9090', 'grpc', 'localhost:9090'],
  ['envoy://localhost:9211/flagd', 'grpc', 'envoy://localhost:9211/flagd'],
  ['dns:///root:8015', 'grpc', 'dns:///root:8015'],
])("%s is flagd's %s provider with source id %s", (uri, provider, id) => {
  expect(providerOfUri(uri)).toBe(provider);
  expect(resolveSource(uri)).toMatchObject({ id, provider, uri });
});

test('credentials in an http URL are left out of its source id (shown in logs and /readyz)', () => {
  expect(resolveSource('https://bot:s3cret@flags.example.com/flags.json?v=2').id).toBe(
    'https://flags.example.com/flags.json?v=2',
  );
});

test('remote entries check the types of their fields, without printing values', () => {
  const http = (extra: object) => () =>
    resolveSource({ uri: 'https://x/flags.json', provider: 'http', ...extra });
  expect(http({ interval: 0.5 })).toThrow(/"interval" must be an integer from 1 to 86400, not 0.5/);
  expect(http({ interval: 86_401 })).toThrow(UsageError);
  expect(http({ authHeader: 42 })).toThrow(/"authHeader" must be a string, not a number/);
  expect(http({ headers: { 'x-token': 'a\r\nb' } })).toThrow(/one-line string value/);
  expect(http({ headers: { 'x-token': 'a\r\nb' } })).not.toThrow(/a\r\nb/);
  expect(http({ oauth: { clientID: 'c' } })).toThrow(UnsupportedSourceError);
  expect(() => resolveSource({ uri: 'ftp://x', provider: 'http' })).toThrow(
    /http:\/\/ or https:\/\//,
  );
  const grpc = (extra: object) => () =>
    resolveSource({ uri: 'root:8015', provider: 'grpc', ...extra });
  expect(grpc({ certPath: '/ca.pem' })).toThrow(/plaintext connection/);
  expect(grpc({ certPath: '/ca.pem', tls: true })).not.toThrow();
  expect(grpc({ tls: 'yes' })).toThrow(/"tls" must be true or false/);
  expect(grpc({ maxMsgSize: -1 })).toThrow(/"maxMsgSize"/);
  expect(() => resolveSource('grpcs://root:8015')).not.toThrow();
  expect(() => resolveSource('xds:///flagd')).toThrow(UnsupportedSourceError);
  expect(() => resolveSource({ uri: 'envoy://nohost/a', provider: 'grpc' })).toThrow(
    /expected envoy:\/\/host:port\/authority/,
  );
});

test('unknown prefixes and providers, and entries without uri or provider, are usage errors', () => {
  expect(() => resolveSource('ftp://x')).toThrow(
    /^USAGE: unsupported URI "ftp:\/\/x": use file:path, http\(s\)/,
  );
  expect(() => resolveSource({ uri: 'x', provider: 'carrier-pigeon' })).toThrow(
    /^USAGE: unknown provider "carrier-pigeon" for "x" \(flagd providers: file, fsnotify/,
  );
  expect(() => resolveSource({ provider: 'file' } as never)).toThrow(UsageError);
  expect(() => resolveSource({ uri: 'x' } as never)).toThrow(/needs a "provider"/);
  expect(() => resolveSource('file:')).toThrow(/names no file/);
});

test("createSource builds the scheme's source", async () => {
  const spec = resolveSource(`file:${join(__dirname, 'nowhere.json')}`);
  const source = createSource(spec, { parse: { mode: 'strict' } });
  expect(source).toBeInstanceOf(FileSource);
  expect(source.id).toBe(join(__dirname, 'nowhere.json'));
  await source.close();
});

test("the OpenFeature operator's --sources entries resolve (open-feature/open-feature-operator: flagdinjector_test.go)", () => {
  const entries = [
    '[{"uri":"/etc/flagd/my-namespace_server-side/my-namespace_server-side.flagd.json","provider":"file"}]',
    '[{"uri":"http://localhost:8013","provider":"http","bearerToken":"my-token","interval":8}]',
    '[{"uri":"grpc://localhost:8013","provider":"grpc","certPath":"cert-path","tls":true,"providerID":"provider-id","selector":"selector"}]',
    '[{"uri":"flagd-proxy-svc.my-namespace.svc.cluster.local:8013","provider":"grpc","selector":"core.openfeature.dev/my-namespace/"}]',
  ];
  expect(
    entries.map((json) => resolveSources(JSON.parse(json)).map((s) => [s.provider, s.id])),
  ).toEqual([
    [['file', '/etc/flagd/my-namespace_server-side/my-namespace_server-side.flagd.json']],
    [['http', 'http://localhost:8013']],
    [['grpc', 'localhost:8013']],
    [['grpc', 'flagd-proxy-svc.my-namespace.svc.cluster.local:8013']],
  ]);
});
