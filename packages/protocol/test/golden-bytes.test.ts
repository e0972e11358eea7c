// Golden byte vectors built by hand from the protobuf encoding rules
// (https://protobuf.dev/programming-guides/encoding/), independent of the code generator.
// They prove the field numbers and wire types of flagd's contracts
// (open-feature/flagd-schemas:protobuf/flagd/):
// if a field number in proto/ drifted, these bytes would no longer match.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  FetchAllFlagsRequestSchema,
  FetchAllFlagsResponseSchema,
  GetMetadataResponseSchema,
  SyncFlagsRequestSchema,
  SyncFlagsResponseSchema,
  evaluationV1,
  evaluationV2,
} from '@switchyard/protocol';

/** A tag byte: (field number << 3) | wire type. */
const tag = (field: number, wireType: 0 | 1 | 2) => (field << 3) | wireType;
const LEN = 2 as const;
const VARINT = 0 as const;
const I64 = 1 as const;

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];
/** A length-delimited field whose payload is shorter than 128 bytes (one-byte length). */
const lenField = (field: number, payload: number[]) => {
  if (payload.length > 127) throw new Error('vector helper supports short payloads only');
  return [tag(field, LEN), payload.length, ...payload];
};
const stringField = (field: number, s: string) => lenField(field, utf8(s));
const double = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return [...b];
};

// google.protobuf.Value: null_value=1 (enum), number_value=2 (double), string_value=3,
// bool_value=4, struct_value=5, list_value=6. Struct: map<string, Value> fields = 1, each entry
// a message with key=1 and value=2.
const stringValue = (s: string) => stringField(3, s);
const numberValue = (n: number) => [tag(2, I64), ...double(n)];
const boolValue = (b: boolean) => [tag(4, VARINT), b ? 1 : 0];
const structEntry = (key: string, value: number[]) =>
  lenField(1, [...stringField(1, key), ...lenField(2, value)]);

const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());

describe('flagd.sync.v1 golden vectors', () => {
  test('SyncFlagsRequest: provider_id = 1, selector = 2', () => {
    const golden = bytes(stringField(1, 'svc-a'), stringField(2, 'flagSetId=team'));
    const message = create(SyncFlagsRequestSchema, {
      providerId: 'svc-a',
      selector: 'flagSetId=team',
    });
    expect(toBinary(SyncFlagsRequestSchema, message)).toEqual(golden);
    expect(fromBinary(SyncFlagsRequestSchema, golden)).toMatchObject({
      providerId: 'svc-a',
      selector: 'flagSetId=team',
    });
  });

  test('SyncFlagsResponse: flag_configuration = 1, sync_context = 2 (Struct)', () => {
    const config = '{"flags":{}}';
    const struct = [
      ...structEntry('injectedmetadata', stringValue('set')),
      ...structEntry('n', numberValue(1.5)),
      ...structEntry('b', boolValue(true)),
    ];
    const golden = bytes(stringField(1, config), lenField(2, struct));
    const decoded = fromBinary(SyncFlagsResponseSchema, golden);
    expect(decoded.flagConfiguration).toBe(config);
    expect(decoded.syncContext).toEqual({ injectedmetadata: 'set', n: 1.5, b: true });
    const encoded = toBinary(
      SyncFlagsResponseSchema,
      create(SyncFlagsResponseSchema, {
        flagConfiguration: config,
        syncContext: { injectedmetadata: 'set', n: 1.5, b: true },
      }),
    );
    expect(encoded).toEqual(golden);
  });

  test('SyncFlagsResponse without sync_context has no field 2 at all (explicit presence)', () => {
    const golden = bytes(stringField(1, '{}'));
    const message = create(SyncFlagsResponseSchema, { flagConfiguration: '{}' });
    expect(toBinary(SyncFlagsResponseSchema, message)).toEqual(golden);
    expect(fromBinary(SyncFlagsResponseSchema, golden).syncContext).toBeUndefined();
    // An empty Struct is present (field 2, length 0), unlike an absent one.
    const empty = create(SyncFlagsResponseSchema, { flagConfiguration: '{}', syncContext: {} });
    expect(toBinary(SyncFlagsResponseSchema, empty)).toEqual(
      bytes(stringField(1, '{}'), [0x12, 0]),
    );
  });

  test('FetchAllFlags request and response', () => {
    expect(
      toBinary(
        FetchAllFlagsRequestSchema,
        create(FetchAllFlagsRequestSchema, { providerId: 'p', selector: 's' }),
      ),
    ).toEqual(bytes(stringField(1, 'p'), stringField(2, 's')));
    expect(
      toBinary(
        FetchAllFlagsResponseSchema,
        create(FetchAllFlagsResponseSchema, { flagConfiguration: 'x' }),
      ),
    ).toEqual(bytes(stringField(1, 'x')));
  });

  test('GetMetadataResponse: field 1 reserved, metadata = 2', () => {
    const golden = bytes(lenField(2, structEntry('k', stringValue('v'))));
    expect(fromBinary(GetMetadataResponseSchema, golden).metadata).toEqual({ k: 'v' });
    expect(
      toBinary(
        GetMetadataResponseSchema,
        create(GetMetadataResponseSchema, { metadata: { k: 'v' } }),
      ),
    ).toEqual(golden);
  });
});

describe('flagd.evaluation golden vectors', () => {
  test('v1 ResolveBooleanRequest: flag_key = 1, context = 2', () => {
    const golden = bytes(
      stringField(1, 'my-flag'),
      lenField(2, structEntry('targetingKey', stringValue('u1'))),
    );
    const decoded = fromBinary(evaluationV1.ResolveBooleanRequestSchema, golden);
    expect(decoded.flagKey).toBe('my-flag');
    expect(decoded.context).toEqual({ targetingKey: 'u1' });
  });

  test('v1 ResolveIntResponse: value = 1 is an int64 varint; reason 2, variant 3, metadata 4', () => {
    const golden = bytes(
      [tag(1, VARINT), 42],
      stringField(2, 'STATIC'),
      stringField(3, 'big'),
      lenField(4, structEntry('flagSetId', stringValue('s'))),
    );
    const decoded = fromBinary(evaluationV1.ResolveIntResponseSchema, golden);
    expect(decoded.value).toBe(42n);
    expect(decoded).toMatchObject({
      reason: 'STATIC',
      variant: 'big',
      metadata: { flagSetId: 's' },
    });
  });

  test('v1 AnyFlag oneof value: bool 3, string 4, double 5, object 6; metadata 7', () => {
    const golden = bytes(
      stringField(1, 'STATIC'),
      stringField(2, 'on'),
      [tag(5, I64), ...double(0.25)],
      lenField(7, []),
    );
    const decoded = fromBinary(evaluationV1.AnyFlagSchema, golden);
    expect(decoded.value).toEqual({ case: 'doubleValue', value: 0.25 });
    expect(decoded.metadata).toEqual({});
  });

  test('v2 ResolveBooleanResponse: optional value false is encoded; unset value is absent', () => {
    const withFalse = create(evaluationV2.ResolveBooleanResponseSchema, {
      value: false,
      reason: 'STATIC',
      variant: 'off',
    });
    expect(toBinary(evaluationV2.ResolveBooleanResponseSchema, withFalse)).toEqual(
      bytes([tag(1, VARINT), 0], stringField(2, 'STATIC'), stringField(3, 'off')),
    );
    const codeDefault = create(evaluationV2.ResolveBooleanResponseSchema, { reason: 'DEFAULT' });
    const encoded = toBinary(evaluationV2.ResolveBooleanResponseSchema, codeDefault);
    expect(encoded).toEqual(bytes(stringField(2, 'DEFAULT')));
    const decoded = fromBinary(evaluationV2.ResolveBooleanResponseSchema, encoded);
    expect(decoded.value).toBeUndefined();
    expect(decoded.variant).toBeUndefined();
  });

  test('EventStreamResponse: type = 1, data = 2', () => {
    const golden = bytes(stringField(1, 'provider_ready'), lenField(2, []));
    const decoded = fromBinary(evaluationV1.EventStreamResponseSchema, golden);
    expect(decoded.type).toBe('provider_ready');
    expect(decoded.data).toEqual({});
  });
});
