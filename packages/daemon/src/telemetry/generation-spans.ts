// A span per source update that reaches the store (flagd: `flagSync` of scope `jsonEvaluator`,
// open-feature/flagd:core/pkg/evaluator/json.go, with `feature_flag.source`), from the file event
// (or poll, or sync message) that started it to the generation being published. Its children:
// `source.load` (the source reading, parsing and validating its entries, from the event to the
// update) and `store.publish` (merging every source and publishing the generation to every
// transport). A rejected update (a missing, unreadable or invalid entry) ends in error status.
import { performance } from 'node:perf_hooks';
import { ROOT_CONTEXT, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { SourceUpdate } from '@switchyard/sources';
import type { GenerationStore } from '../store/generation-store.js';
import type { Tracing } from './tracing.js';

/** performance.now() time as epoch milliseconds (what span start and end times take). */
const epoch = (at: number) => performance.timeOrigin + at;

/** `apply`, traced when traces are exported. */
export function tracedApply(
  tracing: Tracing | undefined,
  store: GenerationStore,
): (update: SourceUpdate) => void {
  if (tracing === undefined) return (update) => store.apply(update);
  const tracer = tracing.tracer('jsonEvaluator');
  return (update) => {
    const received = performance.now();
    const span = tracer.startSpan(
      'flagSync',
      {
        startTime: epoch(update.eventAt ?? received),
        attributes: { 'feature_flag.source': update.sourceId },
      },
      ROOT_CONTEXT,
    );
    const parent = trace.setSpan(ROOT_CONTEXT, span);
    if (update.eventAt !== undefined) {
      tracer
        .startSpan('source.load', { startTime: epoch(update.eventAt) }, parent)
        .end(epoch(received));
    }
    const before = store.generation?.number;
    const publish = tracer.startSpan('store.publish', {}, parent);
    try {
      context.with(trace.setSpan(parent, publish), () => store.apply(update));
    } finally {
      publish.end();
      const after = store.generation?.number;
      if (after !== undefined && after !== before)
        span.setAttribute('switchyard.generation', after);
      span.setAttribute('switchyard.flags', update.configuration?.flags.length ?? 0);
      if (update.problems.length > 0) {
        span.setAttribute('switchyard.problems', update.problems.length);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: update.problems
            .map((p) => p.message)
            .join('; ')
            .slice(0, 1000),
        });
      }
      span.end();
    }
  };
}
