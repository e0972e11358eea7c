// Messages between the reconnect benchmark (bench/reconnect.ts) and its client processes
// (bench/reconnect-client.ts), over the child-process IPC channel.

export type ClientKind = 'switchyard' | 'flagd-provider';

export type ToClient =
  | {
      readonly type: 'init';
      readonly kind: ClientKind;
      /** One provider per host; distinct loopback addresses give each its own connection. */
      readonly hosts: readonly string[];
      readonly port: number;
      readonly flagKey: string;
      readonly before: string;
      readonly after: string;
    }
  /** The daemon is about to be killed: count every evaluation from now on. */
  | { readonly type: 'outage' }
  | { readonly type: 'close' };

export interface ClientReport {
  /** Epoch ms at which each provider first evaluated the new value. */
  readonly heldAt: readonly number[];
  /** Evaluations between 'outage' and the new value. */
  readonly evaluations: number;
  /** Of which returned the code default or an error (must be 0). */
  readonly defaults: number;
  readonly firstDefault: string | undefined;
  /** Provider events seen after 'outage', by type. */
  readonly events: Readonly<Record<string, number>>;
}

export type FromClient =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly report: ClientReport }
  | { readonly type: 'failed'; readonly message: string };
