// Log lines written while a span is active carry its ids (trace_id, span_id, trace_flags), from
// the daemon's own logger and from a pino logger an embedder hands startDaemon alike; without an
// active span they carry none. A real tracer provider and context manager, real pino loggers.
import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { createLogger, withTraceFields } from '../src/logger.js';

const manager = new AsyncLocalStorageContextManager().enable();
const provider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })],
});
const tracer = provider.getTracer('logger-test');

beforeAll(() => {
  context.setGlobalContextManager(manager);
});

afterAll(async () => {
  context.disable();
  await provider.shutdown();
});

function sink(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

/** Logs once outside any span and once inside one; returns the span's ids. */
function logAround(log: (message: string) => void) {
  log('outside');
  const span = tracer.startSpan('work');
  context.with(trace.setSpan(context.active(), span), () => log('inside'));
  span.end();
  return span.spanContext();
}

test("the daemon's logger adds the active span's ids", () => {
  const { stream, lines } = sink();
  const logger = createLogger({ format: 'json', destination: stream });
  const ids = logAround((m) => logger.info(m));
  expect(lines[0]).not.toHaveProperty('trace_id');
  expect(lines[1]).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
  expect(withTraceFields(logger)).toBe(logger);
});

test("an embedder's pino logger gains them too, keeping its own log formatter and bindings", () => {
  const { stream, lines } = sink();
  const embedder = pino(
    { base: { app: 'host' }, formatters: { log: (object) => ({ ...object, formatted: true }) } },
    stream,
  );
  const logger = withTraceFields(embedder);
  const ids = logAround((m) => logger.warn({ detail: 1 }, m));
  expect(lines[0]).toMatchObject({ msg: 'outside', app: 'host', formatted: true, detail: 1 });
  expect(lines[0]).not.toHaveProperty('span_id');
  expect(lines[1]).toMatchObject({
    msg: 'inside',
    app: 'host',
    formatted: true,
    detail: 1,
    trace_id: ids.traceId,
    span_id: ids.spanId,
    trace_flags: '01',
  });
});

test("an embedder's child logger keeps its bindings and level", () => {
  const { stream, lines } = sink();
  const embedder = pino({ level: 'warn' }, stream).child({ component: 'flags' });
  const logger = withTraceFields(embedder);
  logAround((m) => logger.info(m));
  expect(lines).toHaveLength(0);
  const ids = logAround((m) => logger.error(m));
  expect(lines[1]).toMatchObject({ component: 'flags', trace_id: ids.traceId });
});
