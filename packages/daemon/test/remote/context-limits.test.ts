// The one context conversion of every evaluation transport: binary requests decoded within the
// limits (the same JSON as protobuf-es for every message within them), JSON contexts checked, and
// the work of a refusal bounded by the limit, not by the size of the request.
import fc from 'fast-check';
import { EvaluationV1ServiceDefinition, EvaluationV2ServiceDefinition } from '@switchyard/protocol';
import type { JsonObject } from '../../src/engine.js';
import { ContextTooLargeError } from '../../src/errors/context-too-large-error.js';
import { InvalidContextError } from '../../src/errors/invalid-context-error.js';
import {
  DEFAULT_CONTEXT_LIMITS,
  MAX_CONTEXT_DEPTH,
  contextFromJson,
  contextLimits,
} from '../../src/remote/context-limits.js';
import type { ConversionWork } from '../../src/remote/context-limits.js';
import { decodeContextStruct, decodeEvaluationRequest } from '../../src/remote/struct-decoder.js';

const resolveBoolean = EvaluationV2ServiceDefinition.resolveBoolean;
const resolveAll = EvaluationV1ServiceDefinition.resolveAll;

/** Wire bytes of a ResolveBooleanRequest, encoded by protobuf-es as every client does. */
const requestBytes = (flagKey: string, context?: JsonObject) =>
  resolveBoolean.requestSerialize({
    $typeName: 'flagd.evaluation.v2.ResolveBooleanRequest',
    flagKey,
    ...(context === undefined ? {} : { context }),
  });

const decode = (bytes: Uint8Array, limits = DEFAULT_CONTEXT_LIMITS, work?: ConversionWork) =>
  decodeEvaluationRequest(bytes, { contextField: 2, limits, ...(work ? { work } : {}) });

/** The attribute bag of the hostile request: 60,000 keys in about 0.9 MB. */
function wideContext(keys = 60_000): JsonObject {
  const context: JsonObject = {};
  for (let i = 0; i < keys; i++) context[`k${i}`] = `v${i}`;
  return context;
}

/** `{"a":{"a":…{"a":1}}}`, `levels` objects deep (the context itself is level 1). */
function deepContext(levels: number): JsonObject {
  let value: JsonObject = { a: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** A context of JSON values (no -0: a Struct number is a double, the same either way). */
const contexts = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonObject[string]>,
  { maxKeys: 8 },
);

describe('binary requests (gRPC): decoded as protobuf-es decodes them', () => {
  test('every request within the limits gives the same flag key and context', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(contexts, { nil: undefined }), (flagKey, context) => {
        const bytes = requestBytes(flagKey, context);
        const theirs = resolveBoolean.requestDeserialize(bytes);
        const ours = decode(bytes, { maxDepth: 100, maxKeys: 100_000 });
        expect(ours).toEqual({ flagKey: theirs.flagKey, context: theirs.context });
      }),
      { numRuns: 2000 },
    );
  });

  test('a context field read as bytes decodes to the same context', () => {
    fc.assert(
      fc.property(contexts, (context) => {
        const bytes = requestBytes('', context);
        // [0x12 (field 2, bytes), varint length, Struct]: the Struct is what follows the length.
        let at = 1;
        while (bytes[at]! >= 0x80) at++;
        const struct = bytes.subarray(at + 1);
        expect(decodeContextStruct(struct, { limits: DEFAULT_CONTEXT_LIMITS })).toEqual(
          resolveBoolean.requestDeserialize(bytes).context,
        );
      }),
      { numRuns: 500 },
    );
    const work: ConversionWork = { keys: 0, bytes: 0 };
    const wide = requestBytes('', wideContext());
    const refused = decodeContextStruct(wide.subarray(4), { limits: DEFAULT_CONTEXT_LIMITS, work });
    expect(refused).toBeInstanceOf(ContextTooLargeError);
    expect(work.keys).toBe(DEFAULT_CONTEXT_LIMITS.maxKeys + 1);
  });

  test('ResolveAll reads its context from field 1', () => {
    const bytes = resolveAll.requestSerialize({
      $typeName: 'flagd.evaluation.v1.ResolveAllRequest',
      context: { user: { id: 'u1', groups: ['a', 'b'] } },
    });
    expect(
      decodeEvaluationRequest(bytes, { contextField: 1, limits: DEFAULT_CONTEXT_LIMITS }),
    ).toEqual({ flagKey: '', context: { user: { id: 'u1', groups: ['a', 'b'] } } });
  });

  test('`__proto__` is an own key of the context, never its prototype', () => {
    const bytes = requestBytes('f', JSON.parse('{"__proto__":{"polluted":true},"a":1}'));
    const ours = decode(bytes) as { context: JsonObject };
    expect(Object.getPrototypeOf(ours.context)).toBe(Object.prototype);
    expect(Object.keys(ours.context)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('arbitrary bytes never throw: a request, or INVALID_CONTEXT', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = decode(bytes);
        if (result instanceof Error) expect(result).toBeInstanceOf(InvalidContextError);
        else expect(typeof result.flagKey).toBe('string');
      }),
      { numRuns: 5000 },
    );
  });

  test('60,000 keys (0.9 MB): CONTEXT_TOO_LARGE after reading the first 10,001 keys only', () => {
    const bytes = requestBytes('f', wideContext());
    expect(bytes.length).toBeGreaterThan(900_000);
    const work: ConversionWork = { keys: 0, bytes: 0 };
    const result = decode(bytes, DEFAULT_CONTEXT_LIMITS, work);
    expect(result).toBeInstanceOf(ContextTooLargeError);
    expect((result as Error).message).toMatch(/more than 10,000 keys/);
    expect(work.keys).toBe(DEFAULT_CONTEXT_LIMITS.maxKeys + 1);
    expect(work.bytes).toBeLessThan(bytes.length / 5);
  });

  test('array elements count as keys', () => {
    const list = Array.from({ length: 11 }, (_, i) => i);
    expect(decode(requestBytes('f', { list }), { maxDepth: 4, maxKeys: 10 })).toBeInstanceOf(
      ContextTooLargeError,
    );
    expect(decode(requestBytes('f', { list }), { maxDepth: 4, maxKeys: 12 })).toEqual({
      flagKey: 'f',
      context: { list },
    });
  });

  test('a repeated key counts once (the last value wins, as protobuf-es decodes it)', () => {
    const one = requestBytes('f', { a: 1 });
    const two = requestBytes('', { a: 2 });
    const bytes = Buffer.concat([one, two]);
    expect(decode(bytes, { maxDepth: 4, maxKeys: 1 })).toEqual({ flagKey: 'f', context: { a: 2 } });
  });

  test('Structs nested 50 deep: INVALID_CONTEXT (INVALID_ARGUMENT), never a stack overflow', () => {
    for (const levels of [33, 50, 200]) {
      const result = decode(requestBytes('f', deepContext(levels)));
      expect(result).toBeInstanceOf(InvalidContextError);
      expect((result as Error).message).toMatch(/nested deeper than 32 levels/);
    }
    expect(decode(requestBytes('f', deepContext(32)))).toEqual({
      flagKey: 'f',
      context: deepContext(32),
    });
  });

  test('a nesting far past any stack (200,000 levels): refused at level 33 (protobuf-es throws at its recursion limit, which grpc-js answers INTERNAL)', () => {
    const bytes = nestedStructs(200_000);
    expect(() => resolveBoolean.requestDeserialize(bytes)).toThrow(/maximum recursion depth/);
    const work: ConversionWork = { keys: 0, bytes: 0 };
    const result = decode(bytes, DEFAULT_CONTEXT_LIMITS, work);
    expect(result).toBeInstanceOf(InvalidContextError);
    expect(work.keys).toBeLessThanOrEqual(DEFAULT_CONTEXT_LIMITS.maxDepth);
    expect(work.bytes).toBeLessThan(40 * 15);
  });
});

/** A 4-byte (non-minimal, still valid) varint, so every length prefix has the same size. */
function varint4(n: number): number[] {
  return [(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, ((n >> 14) & 0x7f) | 0x80, n >> 21];
}

/**
 * A ResolveBooleanRequest whose context is `levels` Structs deep: Struct{fields: {"": Value{
 * struct_value: Struct{…}}}}, every length prefix reaching the end of the message.
 */
function nestedStructs(levels: number): Buffer {
  const tags = [0x0a, 0x12, 0x2a]; // Struct.fields, MapEntry.value, Value.struct_value
  const total = 5 + levels * 15;
  const out = Buffer.alloc(total);
  out[0] = 0x12; // ResolveBooleanRequest.context
  out.set(varint4(total - 5), 1);
  let pos = 5;
  for (let level = 0; level < levels; level++) {
    for (const tag of tags) {
      out[pos] = tag;
      out.set(varint4(total - pos - 5), pos + 1);
      pos += 5;
    }
  }
  return out;
}

describe('JSON contexts (OFREP, Connect JSON)', () => {
  test('within the limits: the same object back', () => {
    fc.assert(
      fc.property(contexts, (context) => {
        expect(contextFromJson(context, { maxDepth: 100, maxKeys: 100_000 })).toBe(context);
      }),
      { numRuns: 1000 },
    );
  });

  test('60,000 keys: CONTEXT_TOO_LARGE after counting 10,001', () => {
    const work: ConversionWork = { keys: 0, bytes: 0 };
    const result = contextFromJson(wideContext(), DEFAULT_CONTEXT_LIMITS, work);
    expect(result).toBeInstanceOf(ContextTooLargeError);
    expect(work.keys).toBe(DEFAULT_CONTEXT_LIMITS.maxKeys + 1);
  });

  test('100,000 levels deep: INVALID_CONTEXT after at most maxDepth levels', () => {
    const work: ConversionWork = { keys: 0, bytes: 0 };
    const result = contextFromJson(deepContext(100_000), DEFAULT_CONTEXT_LIMITS, work);
    expect(result).toBeInstanceOf(InvalidContextError);
    expect(work.keys).toBeLessThanOrEqual(DEFAULT_CONTEXT_LIMITS.maxDepth);
  });

  test('no context is no context', () => {
    expect(contextFromJson(undefined, DEFAULT_CONTEXT_LIMITS)).toBeUndefined();
  });
});

test('limits from options: defaults where unset, depth capped for the decoder', () => {
  expect(contextLimits({})).toEqual(DEFAULT_CONTEXT_LIMITS);
  expect(contextLimits({ maxDepth: 10 ** 9, maxKeys: 5 })).toEqual({
    maxDepth: MAX_CONTEXT_DEPTH,
    maxKeys: 5,
  });
});
