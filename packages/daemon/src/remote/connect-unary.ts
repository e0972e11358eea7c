// The Connect unary JSON fast path on HTTP/1.1: flagd's own curl call
// (`POST /flagd.evaluation.v1.Service/ResolveBoolean`, `Content-Type: application/json`) and the
// calls of @openfeature/flagd-web-provider. @connectrpc/connect-node spends about five times a
// bare node:http handler's time on such a call (docs/adr/0032), so the plain case is answered
// here: the body is read (within --max-request-body, by its Content-Length), parsed with
// JSON.parse, evaluated by the one EvaluationService and answered with bytes that
// @bufbuild/protobuf serialised (cached per view for shared results) and @connectrpc/connect's
// own error encoding. Anything else — another content type, compression, a timeout header, a GET,
// a body that is not the plain shape or names a member twice (protojson refuses that, JSON.parse
// would not) — goes to the Connect router, with the bytes already read. A property test holds the
// two paths to the same answer for any body (test/remote/fast-path-property.test.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toJsonString } from '@bufbuild/protobuf';
import type { DescMessage } from '@bufbuild/protobuf';
import { type Code, ConnectError } from '@connectrpc/connect';
import { codeToHttpStatus, errorToJsonBytes } from '@connectrpc/connect/protocol-connect';
import { evaluationV1 } from '@switchyard/protocol';
import type { JsonObject } from '../engine.js';
import type { CallInfo, Outcome } from './call.js';
import type { EvaluationService, ResponseEncoding } from './evaluation-service.js';
import { hasDuplicateKeys } from './json-duplicate-keys.js';
import type { ResolveKind, ResponseMessage } from './resolve-kinds.js';
import { resultCache } from './view-caches.js';
import { socketSubject } from '../auth/credentials.js';

/** flagd's protojson options (EmitUnpopulated). */
const JSON_WRITE = { alwaysEmitImplicit: true } as const;

interface UnaryMethod {
  readonly service: string;
  readonly method: string;
  readonly version: 1 | 2;
  /** undefined: v1 ResolveAll. */
  readonly kind: ResolveKind | undefined;
}

const KIND_METHODS: readonly [ResolveKind, string][] = [
  ['boolean', 'ResolveBoolean'],
  ['string', 'ResolveString'],
  ['float', 'ResolveFloat'],
  ['int', 'ResolveInt'],
  ['object', 'ResolveObject'],
];

const METHODS = new Map<string, UnaryMethod>();
for (const version of [1, 2] as const) {
  const service = `flagd.evaluation.v${version}.Service`;
  for (const [kind, method] of KIND_METHODS) {
    METHODS.set(`/${service}/${method}`, { service, method, version, kind });
  }
}
METHODS.set('/flagd.evaluation.v1.Service/ResolveAll', {
  service: 'flagd.evaluation.v1.Service',
  method: 'ResolveAll',
  version: 1,
  kind: undefined,
});

function jsonEncoding(version: 1 | 2, kind: ResolveKind): ResponseEncoding<Buffer> {
  return {
    cache: resultCache<Buffer>(`connect-json-v${version}-${kind}`),
    encode: (message: ResponseMessage, schema) =>
      Buffer.from(toJsonString(schema as DescMessage, message as never, JSON_WRITE)),
  };
}

const ENCODINGS = new Map<string, ResponseEncoding<Buffer>>();
for (const version of [1, 2] as const) {
  for (const [kind] of KIND_METHODS) {
    ENCODINGS.set(`${version}${kind}`, jsonEncoding(version, kind));
  }
}

/** Whether the request is the plain unary JSON case this path answers. */
function plainUnaryJson(req: IncomingMessage, limit: number): boolean {
  const h = req.headers;
  if (req.method !== 'POST') return false;
  if (h['content-type']?.toLowerCase() !== 'application/json') return false;
  if (h['content-encoding'] !== undefined && h['content-encoding'] !== 'identity') return false;
  if (h['connect-timeout-ms'] !== undefined) return false;
  const version = h['connect-protocol-version'];
  if (version !== undefined && version !== '1') return false;
  const length = h['content-length'];
  return length !== undefined && /^\d+$/.test(length) && Number(length) <= limit;
}

interface PlainRequest {
  readonly flagKey: string;
  readonly context: JsonObject | undefined;
}

/** The request's fields when it has the plain shape protojson would read the same way. */
function plainRequest(bytes: Buffer): PlainRequest | undefined {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (hasDuplicateKeys(text)) return undefined;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const body = parsed as Record<string, unknown>;
  if ('flag_key' in body) return undefined;
  const flagKey = body.flagKey ?? '';
  const context = body.context ?? undefined;
  if (typeof flagKey !== 'string') return undefined;
  if (context !== undefined && (typeof context !== 'object' || Array.isArray(context)))
    return undefined;
  return { flagKey, context: context as JsonObject | undefined };
}

/** An answer's size: the JSON bytes it is written as. */
const jsonSize = (value: unknown) => (value instanceof Uint8Array ? value.byteLength : undefined);

function send(res: ServerResponse, status: number, body: Uint8Array): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

function answer(res: ServerResponse, outcome: Outcome<Buffer>): void {
  if (outcome.ok) {
    send(res, 200, outcome.value);
    return;
  }
  const { code, message } = outcome.failure;
  const error = new ConnectError(message, code as number as Code);
  send(res, codeToHttpStatus(error.code), errorToJsonBytes(error, {}));
}

export interface UnaryFastPath {
  /**
   * Answers `req` when it is a plain unary JSON call and returns true; otherwise returns false
   * at once, or — once the body was read — calls `fallback` with its bytes.
   */
  handle(req: IncomingMessage, res: ServerResponse, fallback: (body: Buffer) => void): boolean;
}

export function unaryFastPath(service: EvaluationService, limit: number): UnaryFastPath {
  const resolve = (
    method: UnaryMethod,
    req: IncomingMessage,
    request: { readonly fields: PlainRequest; readonly bytes: number },
  ) => {
    const { fields } = request;
    const call: CallInfo = {
      protocol: 'connect',
      service: method.service,
      method: method.method,
      header: (name) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
      certificate: () => socketSubject(req.socket),
      connection: req.socket,
      requestBytes: request.bytes,
      responseBytes: jsonSize,
    };
    if (method.kind === undefined) {
      const all = service.resolveAll(call, { context: fields.context });
      if (!all.ok) return all;
      const schema = evaluationV1.ResolveAllResponseSchema;
      return { ok: true, value: Buffer.from(toJsonString(schema, all.value, JSON_WRITE)) } as const;
    }
    return service.resolve(
      call,
      { version: method.version, kind: method.kind, request: fields },
      ENCODINGS.get(`${method.version}${method.kind}`)!,
    );
  };
  return {
    handle(req, res, fallback) {
      const method = METHODS.get((req.url ?? '').split('?', 1)[0]!);
      if (method === undefined || !plainUnaryJson(req, limit)) return false;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const fields = plainRequest(bytes);
        if (fields === undefined) fallback(bytes);
        else answer(res, resolve(method, req, { fields, bytes: bytes.length }));
      });
      return true;
    },
  };
}
