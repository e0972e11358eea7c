// The `file:` scheme and flagd's `file`, `fsnotify` and `fileinfo` providers: one file or a
// directory of flag files, watched (FileSource). `fileinfo` is flagd's stat poll; here it is
// the same watch with a 1 s backup poll, flagd's interval
// (open-feature/flagd:core/pkg/sync/file/fileinfo_watcher.go).
import { resolve } from 'node:path';
import { UsageError } from '@switchyard/core';
import type { SourceScheme } from '../scheme.js';
import { FileSource } from './file-source.js';

const FILEINFO_POLL_MS = 1000;

export const FILE_SCHEME: SourceScheme = {
  providers: ['file', 'fsnotify', 'fileinfo'],
  uriPrefixes: ['file:'],
  spec(config, cwd) {
    const id = config.uri.startsWith('file:') ? config.uri.slice('file:'.length) : config.uri;
    if (id === '') throw new UsageError(`"${config.uri}" names no file`);
    return { id, provider: config.provider, uri: config.uri, config, path: resolve(cwd, id) };
  },
  create(spec, context) {
    const poll = spec.provider === 'fileinfo' ? FILEINFO_POLL_MS : 0;
    return new FileSource(
      { id: spec.id, path: spec.path ?? resolve(spec.id) },
      { ...context.file, parse: context.parse, pollMs: context.file?.pollMs ?? poll },
    );
  },
};
