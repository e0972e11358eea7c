// Selector headers are parsed once per distinct string, not once per call.
import type { Metadata } from '@grpc/grpc-js';
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';
import { parseSelector } from '../store/selector.js';
import type { Selector } from '../store/selector.js';

const ALL: Selector = Object.freeze({ kind: 'all' });

export class SelectorCache {
  private readonly parsed = new Map<string, Selector | InvalidSelectorError>();

  constructor(private readonly max = 1024) {}

  /** The selector of a `flagd-selector` header value; throws InvalidSelectorError. */
  get(header: string | undefined): Selector {
    if (header === undefined || header === '') return ALL;
    let entry = this.parsed.get(header);
    if (entry === undefined) {
      try {
        entry = parseSelector(header);
      } catch (error) {
        if (!(error instanceof InvalidSelectorError)) throw error;
        entry = error;
      }
      if (this.parsed.size >= this.max) this.parsed.clear();
      this.parsed.set(header, entry);
    }
    if (entry instanceof InvalidSelectorError) throw entry;
    return entry;
  }
}

/** First value of a metadata key as a string (keys are lower-case in grpc-js). */
export function metadataValue(metadata: Metadata, key: string): string | undefined {
  const values = metadata.get(key);
  if (values.length === 0) return undefined;
  const first = values[0]!;
  return typeof first === 'string' ? first : first.toString('utf8');
}
