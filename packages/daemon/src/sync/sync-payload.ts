// What a SyncFlags stream is sent for one view: the flag_configuration JSON and the encoded
// SyncFlagsResponse, built once per view and written as the same bytes to every stream of that
// selector.
import { preEncoded } from '@switchyard/protocol';
import type { PreEncoded } from '@switchyard/protocol';
import type { JsonObject } from '../engine.js';
import { cacheSlot } from '../store/cache-slot.js';
import type { CacheSlot } from '../store/cache-slot.js';
import type { FlagView } from '../store/view.js';
import { flagConfigurationJson } from './flag-configuration.js';
import { encodeSyncMessage } from './sync-message.js';

export interface SyncPayload {
  readonly json: string;
  /** SyncFlagsResponse bytes (flag_configuration + sync_context). */
  readonly syncMessage: PreEncoded;
}

/**
 * The payload slot of one sync service (its sync_context is part of the bytes). A view whose
 * JSON equals the previous generation's view of its selector gets that view's payload object:
 * streams compare payloads by identity and send nothing for an unchanged view.
 */
export function syncPayloadSlot(syncContext: JsonObject): CacheSlot<FlagView, SyncPayload> {
  const slot: CacheSlot<FlagView, SyncPayload> = cacheSlot('sync:payload', (view) => {
    const json = flagConfigurationJson(view);
    const before = view.previous?.peek(slot);
    if (before !== undefined && before.json === json) return before;
    return { json, syncMessage: preEncoded(encodeSyncMessage(json, syncContext)) };
  });
  return slot;
}
