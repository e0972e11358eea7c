// flagd's `http` provider (`http://` and `https://` URIs): a flag document polled from a URL
// (open-feature/flagd:core/pkg/sync/http/http_sync.go), validated like a file. Fields: `interval`
// (seconds, default 5, at most 86400), `intervalSeed`, `authHeader`, `headers`, `certPath`,
// `timeoutS`; the OpenFeature operator's `bearerToken` is read as flagd read it before removing
// it (`Authorization: Bearer <token>`, authHeader wins). OAuth client credentials (`oauth`) are
// not supported: an entry with them is refused rather than polled without them.
import { DEFAULT_LIMITS, UnsupportedSourceError, UsageError } from '@switchyard/core';
import { headersField, integerField, stringField } from '../config-fields.js';
import { createPayloadSource } from '../payload-source.js';
import type { SourceConfig, SourceScheme } from '../scheme.js';
import { createHttpFeed } from './http-feed.js';
import { randomOffsetMs, seededOffsetMs } from './poll-schedule.js';

/** What the consumer decides for every http source (an entry's own fields win). */
export interface HttpSourceSettings {
  /** Poll interval when the entry has no `interval` (ms). */
  readonly intervalMs: number;
  /** Request timeout when the entry has no `timeoutS` (ms). */
  readonly timeoutMs: number;
  /** Poll offset within the interval (ms); default: from `intervalSeed`, else random. */
  readonly offsetMs: number | undefined;
}

/**
 * flagd polls every 5 s. flagd's default timeout is none (`timeoutS` 0), so one hung request
 * stops the source for good; here a request that has no answer within 10 s is a problem, and
 * the next slot tries again.
 */
export const HTTP_SOURCE_DEFAULTS: HttpSourceSettings = {
  intervalMs: 5000,
  timeoutMs: 10_000,
  offsetMs: undefined,
};

/** flagd's limit (open-feature/flagd:core/pkg/sync/internal/polling/poller.go). */
const MAX_INTERVAL_S = 86_400;

function urlOf(config: SourceConfig): URL {
  let url: URL;
  try {
    url = new URL(config.uri);
  } catch {
    throw new UsageError(`"${config.uri}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`"${config.uri}": the http provider takes http:// or https:// URLs`);
  }
  return url;
}

/**
 * flagd's id of an http source is its URL; credentials in it (`https://user:secret@host/…`) are
 * left out, since the id is shown in logs and /readyz (they are still sent, as Basic auth).
 */
function idOf(config: SourceConfig): string {
  const url = urlOf(config);
  if (url.username === '' && url.password === '') return config.uri;
  url.username = '';
  url.password = '';
  return url.href;
}

/** The URL as messages show it: no credentials, no query (presigned URLs carry tokens there). */
export function describeUrl(url: URL): string {
  const query = url.search === '' ? '' : '?…';
  return `GET ${url.protocol}//${url.host}${url.pathname}${query}`;
}

/**
 * Authorization (authHeader, else the operator's bearerToken), then the entry's headers, which
 * win as in flagd (an `Authorization` among them replaces authHeader).
 */
function headersOf(config: SourceConfig): Record<string, string> {
  const authHeader = stringField(config, 'authHeader');
  const bearerToken = stringField(config, 'bearerToken');
  const authorization =
    authHeader ?? (bearerToken === undefined ? undefined : `Bearer ${bearerToken}`);
  if (authorization !== undefined && /[\r\n\0]/.test(authorization)) {
    throw new UsageError(`the --sources entry for "${config.uri}": authHeader must be one line`);
  }
  return {
    ...(authorization === undefined ? {} : { authorization }),
    ...headersField(config),
  };
}

export const HTTP_SCHEME: SourceScheme = {
  providers: ['http'],
  uriPrefixes: ['http://', 'https://'],
  spec(config) {
    urlOf(config);
    if (config.oauth !== undefined && config.oauth !== null) {
      throw new UnsupportedSourceError(
        `"${config.uri}": OAuth client credentials ("oauth") are not supported; put a token in "authHeader" or "headers"`,
      );
    }
    headersOf(config);
    stringField(config, 'certPath');
    stringField(config, 'intervalSeed');
    integerField(config, 'interval', { min: 1, max: MAX_INTERVAL_S });
    integerField(config, 'timeoutS', { min: 1, max: MAX_INTERVAL_S });
    return { id: idOf(config), provider: config.provider, uri: config.uri, config };
  },
  create(spec, context) {
    const { config } = spec;
    const settings = { ...HTTP_SOURCE_DEFAULTS, ...context.http };
    const interval = integerField(config, 'interval', { min: 1, max: MAX_INTERVAL_S });
    const intervalMs = interval === undefined ? settings.intervalMs : interval * 1000;
    const timeoutS = integerField(config, 'timeoutS', { min: 1, max: MAX_INTERVAL_S });
    const seed = stringField(config, 'intervalSeed');
    const url = urlOf(config);
    const trace = context.trace;
    const feed = createHttpFeed({
      url,
      description: describeUrl(url),
      headers: headersOf(config),
      certPath: stringField(config, 'certPath'),
      intervalMs,
      offsetMs:
        settings.offsetMs ??
        (seed === undefined ? randomOffsetMs(intervalMs) : seededOffsetMs(seed, intervalMs)),
      timeoutMs: timeoutS === undefined ? settings.timeoutMs : timeoutS * 1000,
      maxBytes: context.parse.limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes,
      trace: trace ? (message) => trace('http', message) : undefined,
    });
    return createPayloadSource(feed, { id: spec.id, parse: context.parse });
  },
};
