// The `authorization` header the provider sends a daemon with --auth-config: `token`, or the
// content of `tokenFile`, read again for every stream, report and RPC call (at most once a
// second), so a rotated token (a Kubernetes projected Secret) is picked up without a restart.
// The token is never logged.
import { closeSync, openSync, readSync } from 'node:fs';
import type { ResolvedProviderOptions } from './options.js';

/** A token file larger than this is not a token. */
const MAX_TOKEN_BYTES = 16 * 1024;

function readToken(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(MAX_TOKEN_BYTES);
    const n = readSync(fd, buffer, 0, MAX_TOKEN_BYTES, 0);
    const token = buffer.toString('utf8', 0, n).trim();
    return token === '' ? undefined : token;
  } catch {
    // Unreadable now (being rotated): the call goes without, the daemon answers UNAUTHENTICATED
    // and the stream is retried, reading the file again.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export type HeaderSource = () => Readonly<Record<string, string>>;

const NONE: Readonly<Record<string, string>> = Object.freeze({});
const REREAD_MS = 1000;

/** The call headers of the options' credential (none without a token). */
export function authorizationHeaders(
  options: Pick<ResolvedProviderOptions, 'token' | 'tokenFile'>,
): HeaderSource {
  const { token, tokenFile } = options;
  if (token !== undefined) {
    const headers = Object.freeze({ authorization: `Bearer ${token}` });
    return () => headers;
  }
  if (tokenFile === undefined) return () => NONE;
  // RPC mode asks for every evaluation: the file is read at most once per REREAD_MS.
  let last: { at: number; headers: Readonly<Record<string, string>> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at >= REREAD_MS) {
      const read = readToken(tokenFile);
      last = { at: now, headers: read === undefined ? NONE : { authorization: `Bearer ${read}` } };
    }
    return last.headers;
  };
}
