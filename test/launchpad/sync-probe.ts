// Waits until the daemon serves a condition over flagd.sync.v1 SyncFlags — the way a provider
// sees it — so `change()` resolves once the daemon has really reloaded, not after a guess.
import { create } from '@bufbuild/protobuf';
import { type ChannelCredentials, credentials, Metadata } from '@grpc/grpc-js';
import { FlagSyncServiceClient, SyncFlagsRequestSchema } from '@switchyard/protocol';

export interface SyncEndpoint {
  /** grpc-js target (`127.0.0.1:port` or `unix:/path`). */
  readonly target: string;
  /** PEM CA for TLS, when the daemon serves TLS. */
  readonly ca?: Buffer;
  readonly selector?: string;
  /** `grpc.default_authority` (to go through the authority-routing proxy). */
  readonly authority?: string;
}

export type FlagsPredicate = (flags: Readonly<Record<string, Record<string, unknown>>>) => boolean;

export function waitForSync(
  endpoint: SyncEndpoint,
  predicate: FlagsPredicate,
  timeoutMs: number,
): Promise<void> {
  const creds: ChannelCredentials = endpoint.ca
    ? credentials.createSsl(endpoint.ca)
    : credentials.createInsecure();
  const client = new FlagSyncServiceClient(
    endpoint.target,
    creds,
    endpoint.authority ? { 'grpc.default_authority': endpoint.authority } : {},
  );
  const metadata = new Metadata();
  if (endpoint.selector) metadata.set('flagd-selector', endpoint.selector);
  const call = client.syncFlags(create(SyncFlagsRequestSchema, {}), metadata);
  let lastSeen = 'no payload';
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      call.removeAllListeners('data');
      call.on('error', () => {});
      call.cancel();
      client.close();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () =>
        finish(new Error(`daemon did not serve the change within ${timeoutMs} ms (${lastSeen})`)),
      timeoutMs,
    );
    call.on('data', (response: { flagConfiguration: string }) => {
      try {
        const doc = JSON.parse(response.flagConfiguration) as { flags?: unknown };
        const flags = (doc.flags ?? {}) as Record<string, Record<string, unknown>>;
        lastSeen = `last payload had ${Object.keys(flags).length} flags`;
        if (predicate(flags)) finish();
      } catch (error) {
        lastSeen = `unparseable payload: ${String(error)}`;
      }
    });
    call.on('error', (error: Error) => finish(new Error(`sync stream failed: ${error.message}`)));
  });
}
