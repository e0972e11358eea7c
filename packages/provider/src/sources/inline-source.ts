// A configuration given in the options (tests, embedded use): delivered once, never lost.
import type { JsonValue } from '@switchyard/core';
import type { FlagSource, SourceListener } from './flag-source.js';

export function createInlineSource(configuration: string | JsonValue): FlagSource {
  return {
    description: 'inline',
    start(listener: SourceListener) {
      // Nothing will ever replace a bad inline configuration: that is fatal, not a retry.
      const rejected = listener.payload({ configuration });
      if (rejected) listener.fatal(rejected);
    },
    close() {},
  };
}
