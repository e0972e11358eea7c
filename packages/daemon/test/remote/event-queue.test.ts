// The Connect side's event queue: an event counts as flushed when the transport pulls it (so the
// fan-out conflates for a slow reader), a reset fails the stream and lets go of what waits, and
// a reader that falls MAX_QUEUED_EVENTS behind is cut off.
import { EventQueue, MAX_QUEUED_EVENTS, StreamFailure } from '../../src/remote/event-queue.js';
import type { StreamEvent } from '../../src/remote/event-stream.js';
import { grpcFrame } from '../../src/grpc-frames.js';

const event = (type: string): StreamEvent => ({
  message: { type, data: {} },
  frame: grpcFrame(Buffer.from(type)),
});

test('flushed once pulled, not before', async () => {
  const queue = new EventQueue();
  const flushed: string[] = [];
  queue.write(event('a'), () => flushed.push('a'));
  queue.write(event('b'), () => flushed.push('b'));
  expect(flushed).toEqual([]);
  const reader = queue[Symbol.asyncIterator]();
  expect((await reader.next()).value.message.type).toBe('a');
  expect(flushed).toEqual(['a']);
  expect((await reader.next()).value.message.type).toBe('b');
  expect(flushed).toEqual(['a', 'b']);
  queue.end();
  expect((await reader.next()).done).toBe(true);
});

test('a reset fails the stream, flushes what waited, and takes nothing more', async () => {
  const queue = new EventQueue();
  const flushed: string[] = [];
  queue.write(event('a'), () => flushed.push('a'));
  queue.reset();
  expect(flushed).toEqual(['a']);
  queue.write(event('b'), () => flushed.push('b'));
  expect(flushed).toEqual(['a', 'b']);
  const reader = queue[Symbol.asyncIterator]();
  await expect(reader.next()).rejects.toBeInstanceOf(StreamFailure);
});

test(`a reader ${MAX_QUEUED_EVENTS} events behind is cut off with RESOURCE_EXHAUSTED`, async () => {
  const queue = new EventQueue();
  for (let i = 0; i <= MAX_QUEUED_EVENTS; i++) queue.write(event(`e${i}`), () => {});
  const reader = queue[Symbol.asyncIterator]();
  const failure = await reader.next().then(
    () => undefined,
    (e: StreamFailure) => e.failure,
  );
  expect(failure).toMatchObject({ code: 8 });
});
