// A configuration given in the options (tests, embedded use): delivered once, never lost.
import type { JsonValue } from '@switchyard/core';
import type { PayloadFeed, PayloadSink } from '@switchyard/sources';

export function createInlineSource(configuration: string | JsonValue): PayloadFeed {
  return {
    description: 'inline',
    start(sink: PayloadSink) {
      // Nothing will ever replace a bad inline configuration: that is fatal, not a retry.
      const rejected = sink.payload({ configuration });
      if (rejected) sink.fatal(rejected.message);
    },
    close() {},
  };
}
