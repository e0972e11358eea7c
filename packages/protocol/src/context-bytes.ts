// flagd.evaluation services whose request `context` fields are read as `bytes`: the same wire
// format (a google.protobuf.Struct is a length-delimited field either way), but the codec hands
// the Struct's bytes over undecoded, so a server decodes them itself within its limits
// (@switchyard/daemon: remote/struct-decoder.ts). protobuf-es decodes a Struct into Value
// messages first, with work proportional to the request and a recursion limit whose error a
// server framework reports as INTERNAL. Binary codecs only: in JSON a `bytes` field is base64.
import { clone, createFileRegistry } from '@bufbuild/protobuf';
import type { DescFile, DescService } from '@bufbuild/protobuf';
import type { GenFile } from '@bufbuild/protobuf/codegenv2';
import {
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_struct,
} from '@bufbuild/protobuf/wkt';
import { file_flagd_evaluation_v1_evaluation } from './gen/flagd/evaluation/v1/evaluation_pb.js';
import { file_flagd_evaluation_v2_evaluation } from './gen/flagd/evaluation/v2/evaluation_pb.js';

function contextAsBytes(file: GenFile, serviceName: string): DescService {
  const proto = clone(FileDescriptorProtoSchema, file.proto);
  for (const message of proto.messageType) {
    if (!message.name.endsWith('Request')) continue;
    for (const field of message.field) {
      if (field.name !== 'context' || field.typeName !== '.google.protobuf.Struct') continue;
      field.type = FieldDescriptorProto_Type.BYTES;
      field.typeName = '';
    }
  }
  const registry = createFileRegistry(proto, (name): DescFile | undefined =>
    name === file_google_protobuf_struct.proto.name ? file_google_protobuf_struct : undefined,
  );
  const service = registry.getService(serviceName);
  if (service === undefined) throw new Error(`${serviceName} is not in ${file.name}`);
  return service;
}

const built = new Map<1 | 2, DescService>();

/**
 * flagd.evaluation.v1 or v2 `Service` with every request's `context` (a Struct) as `bytes`
 * (built on first use: importing this package costs nothing for clients).
 */
export function evaluationServiceWithContextBytes(version: 1 | 2): DescService {
  let service = built.get(version);
  if (service === undefined) {
    service =
      version === 1
        ? contextAsBytes(file_flagd_evaluation_v1_evaluation, 'flagd.evaluation.v1.Service')
        : contextAsBytes(file_flagd_evaluation_v2_evaluation, 'flagd.evaluation.v2.Service');
    built.set(version, service);
  }
  return service;
}
