// The provider's source for its resolver type, always through the one source seam
// (@switchyard/sources): the sync stream (the sources package's sync feed, shared with the
// daemon's grpc sources) and an inline configuration are payload feeds wrapped by the payload
// source; `offlineFlagSourcePath` is the file source the daemon uses too, with
// `offlinePollIntervalMs` as its backup stat poll.
import { resolve } from 'node:path';
import type { Logger } from '@openfeature/core';
import { FileSource, createPayloadSource, createSyncFeed } from '@switchyard/sources';
import type { FlagSource, PayloadFeed, SourcePayload } from '@switchyard/sources';
import { PROVIDER_PARSE } from '../engine.js';
import type { ResolvedProviderOptions } from '../options.js';
import { resolveTarget } from './grpc-target.js';
import { createInlineSource } from './inline-source.js';

export interface ProviderSourceHooks {
  /** Each sync payload that was accepted (to persist a last-known-good copy). */
  readonly onAccepted?: (payload: SourcePayload) => void;
}

/** The in-process resolver's SyncFlags stream (the feed the daemon's grpc sources use too). */
function syncFeed(options: ResolvedProviderOptions, logger: Logger): PayloadFeed {
  return createSyncFeed({
    target: resolveTarget(options),
    tls: options.tls,
    certPath: options.certPath,
    selector: options.selector,
    providerId: options.providerId,
    streamDeadlineMs: options.streamDeadlineMs,
    retryBackoffMs: options.retryBackoffMs,
    retryBackoffMaxMs: options.retryBackoffMaxMs,
    keepAliveTime: options.keepAliveTime,
    maxMsgSize: options.maxMsgSize,
    fatalStatusCodes: options.fatalStatusCodes,
    debug: (message) => logger.debug(message),
  });
}

/** The source of `options.resolverType`, or undefined for `rpc` (refused at initialize). */
export function createProviderSource(
  options: ResolvedProviderOptions,
  logger: Logger,
  hooks: ProviderSourceHooks = {},
): FlagSource | undefined {
  switch (options.resolverType) {
    case 'in-process': {
      const feed = syncFeed(options, logger);
      return createPayloadSource(feed, {
        id: feed.description,
        parse: PROVIDER_PARSE,
        format: 'json',
        ...(hooks.onAccepted ? { onAccepted: hooks.onAccepted } : {}),
      });
    }
    case 'file': {
      const path = resolve(options.offlineFlagSourcePath!);
      return new FileSource(
        { id: path, path },
        { kind: 'file', parse: PROVIDER_PARSE, pollMs: options.offlinePollIntervalMs },
      );
    }
    case 'inline':
      return createPayloadSource(createInlineSource(options.flagConfiguration!), {
        id: 'inline',
        parse: PROVIDER_PARSE,
      });
    default:
      return undefined;
  }
}
