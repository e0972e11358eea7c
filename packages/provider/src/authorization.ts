// The `authorization` header the provider sends a daemon with --auth-config: `token`, or the
// content of `tokenFile`, read again for every stream and report so a rotated token (a
// Kubernetes projected Secret) is picked up without a restart. The token is never logged.
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
  return () => {
    const read = readToken(tokenFile);
    return read === undefined ? NONE : { authorization: `Bearer ${read}` };
  };
}
