// What a SyncFlags stream is sent for one view: the flag_configuration JSON and the encoded
// SyncFlagsResponse in its gRPC frame, built once per view and written as the same buffer to
// every stream of that selector (grpc-frames.ts).
import type { JsonObject } from '../engine.js';
import type { GrpcFrame } from '../grpc-frames.js';
import { cacheSlot } from '../store/cache-slot.js';
import type { CacheSlot } from '../store/cache-slot.js';
import type { FlagView } from '../store/view.js';
import { builtFlagConfigurationJson, flagConfigurationJson } from './flag-configuration.js';
import { encodeSyncFrame } from './sync-message.js';

/**
 * Only the frame, not its JSON: a stream that stops reading keeps the payload it was handed (the
 * fan-out's `last`), and the ~1 MB JSON string of a 1 MB flag set would stay on the heap with it,
 * one per generation that stalled streams hold, beside the frame they pin anyway.
 */
export interface SyncPayload {
  /** SyncFlagsResponse (flag_configuration + sync_context) in its 5-byte-prefixed gRPC frame. */
  readonly frame: GrpcFrame;
}

/**
 * The payload slot of one sync service (its sync_context is part of the bytes). A view whose
 * JSON equals the previous generation's view of its selector gets that view's payload object:
 * streams compare payloads by identity and send nothing for an unchanged view.
 */
export function syncPayloadSlot(syncContext: JsonObject): CacheSlot<FlagView, SyncPayload> {
  const slot: CacheSlot<FlagView, SyncPayload> = cacheSlot('sync:payload', (view) => {
    const json = flagConfigurationJson(view);
    const previous = view.previous;
    const before = previous?.peek(slot);
    // The previous view's JSON is cached on that view (its payload was built from it).
    if (before !== undefined && builtFlagConfigurationJson(previous!) === json) return before;
    return { frame: encodeSyncFrame(json, syncContext) };
  });
  return slot;
}
