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
  ['https://example.com/flags.json', 'http'],
  ['grpc://localhost:9090', 'grpc'],
  ['grpcs://localhost:9090', 'grpc'],
  ['envoy://localhost:9211/flagd', 'grpc'],
  ['core.openfeature.dev/default/flags', 'kubernetes'],
  ['gs://bucket/flags.json', 'gcs'],
  ['azblob://container/flags.json', 'azblob'],
  ['s3://bucket/flags.json', 's3'],
])("%s is flagd's %s provider, not served yet: UnsupportedSourceError", (uri, provider) => {
  expect(providerOfUri(uri)).toBe(provider);
  expect(() => resolveSource(uri)).toThrow(UnsupportedSourceError);
  expect(() => resolveSource(uri)).toThrow(
    new RegExp(
      `^SOURCE_NOT_SUPPORTED: the "${provider}" provider \\(${uri.replace(/[/.]/g, '\\$&')}\\) is not supported yet`,
    ),
  );
});

test('unknown prefixes and providers, and entries without uri or provider, are usage errors', () => {
  expect(() => resolveSource('ftp://x')).toThrow(
    /^USAGE: unsupported URI "ftp:\/\/x": use file:path/,
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
