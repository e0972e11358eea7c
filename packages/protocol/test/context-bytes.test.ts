// The evaluation services with `context` read as bytes: same methods and wire format, the
// Struct's bytes handed over undecoded.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { evaluationServiceWithContextBytes, evaluationV1, evaluationV2 } from '../src/index.js';

test.each([1, 2] as const)(
  'v%i: every method, same names; Resolve* contexts are bytes',
  (version) => {
    const original = version === 1 ? evaluationV1.Service : evaluationV2.Service;
    const service = evaluationServiceWithContextBytes(version);
    expect(service.typeName).toBe(original.typeName);
    expect(service.methods.map((m) => [m.name, m.input.typeName, m.output.typeName])).toEqual(
      original.methods.map((m) => [m.name, m.input.typeName, m.output.typeName]),
    );
    for (const method of service.methods) {
      const context = method.input.fields.find((f) => f.name === 'context');
      if (method.name === 'EventStream') expect(context).toBeUndefined();
      else
        expect(context).toMatchObject({
          fieldKind: 'scalar',
          number: version === 1 && method.name === 'ResolveAll' ? 1 : 2,
        });
    }
    expect(evaluationServiceWithContextBytes(version)).toBe(service);
  },
);

test('a request encoded with the Struct decodes with the same flag key and the Struct bytes', () => {
  const schema = evaluationV2.ResolveBooleanRequestSchema;
  const context = { user: { id: 'u1', groups: ['a', 'b'] }, n: 1.5 };
  const bytes = toBinary(schema, { $typeName: schema.typeName, flagKey: 'flag', context } as never);
  const input = evaluationServiceWithContextBytes(2).methods[0]!.input;
  const decoded = fromBinary(input, bytes) as unknown as { flagKey: string; context: Uint8Array };
  expect(decoded.flagKey).toBe('flag');
  const struct = toBinary(schema, { $typeName: schema.typeName, flagKey: '', context } as never);
  // [tag, length, Struct...]: the Struct bytes are what follows the one-byte length here.
  expect(Buffer.from(decoded.context)).toEqual(Buffer.from(struct.subarray(2)));
});
