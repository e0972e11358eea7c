// Decoding of flagd.evaluation requests (Resolve*Request: flag_key = 1, context = 2;
// ResolveAllRequest: context = 1) from protobuf binary straight into a JSON context, within the
// context limits. protobuf-es decodes a google.protobuf.Struct into Value messages first and
// converts them afterwards (a 0.9 MB context of 60,000 keys: 100–380 ms), and its only bound is a
// recursion limit whose error grpc-js turns into INTERNAL. Here one pass reads the wire format:
// it stops at the first key past maxKeys or level past maxDepth (context-limits.ts), and any
// malformed input (truncated, invalid UTF-8, groups) is an InvalidContextError (INVALID_ARGUMENT).
// The result is what protobuf-es gives for the same bytes (a property test checks it): an unset
// Value is null, repeated fields merge, the last value of a key wins, `__proto__` is an own key.
import { isUtf8 } from 'node:buffer';
import type { JsonObject, JsonValue } from '../engine.js';
import { InvalidContextError } from '../errors/invalid-context-error.js';
import { tooDeep, tooManyKeys } from './context-limits.js';
import type { ContextError, ContextLimits, ConversionWork } from './context-limits.js';

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

/** Thrown inside the decoder only; the public functions return it. */
class Stop {
  constructor(readonly error: ContextError) {}
}

const malformed = (what: string) =>
  new Stop(new InvalidContextError(`the request is not a valid protobuf message: ${what}`));

class Reader {
  pos: number;
  keys = 0;

  constructor(
    readonly buf: Buffer,
    readonly limits: ContextLimits,
    start = 0,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw malformed('truncated varint');
      const byte = this.buf[this.pos++]!;
      // Past 2^53 the value is only used as a length or a skipped number: precision is moot.
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw malformed('varint longer than 10 bytes');
  }

  /** The end offset of a length-delimited field starting at pos. */
  delimited(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.buf.length) throw malformed('truncated length-delimited field');
    return end;
  }

  string(): string {
    const end = this.delimited();
    const bytes = this.buf.subarray(this.pos, end);
    if (!isUtf8(bytes)) throw malformed('a string is not valid UTF-8');
    this.pos = end;
    return bytes.toString('utf8');
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.varint();
        return;
      case FIXED64:
        this.advance(8);
        return;
      case BYTES:
        this.pos = this.delimited();
        return;
      case FIXED32:
        this.advance(4);
        return;
      default:
        throw malformed(`unsupported wire type ${wireType}`);
    }
  }

  advance(n: number): void {
    if (this.pos + n > this.buf.length) throw malformed('truncated fixed-width field');
    this.pos += n;
  }

  /** Counts one key or array element against maxKeys. */
  countKey(): void {
    if (++this.keys > this.limits.maxKeys) throw new Stop(tooManyKeys(this.limits));
  }

  /** The next field's number and wire type, or undefined at `end`. */
  tag(end: number): { field: number; wireType: number } | undefined {
    if (this.pos >= end) return undefined;
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw malformed('field number 0');
    return { field, wireType: tag % 8 };
  }
}

function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else object[key] = value;
}

/** A google.protobuf.Struct from pos to end, merged into `into`. */
function readStruct(r: Reader, end: number, depth: number, into: JsonObject): JsonObject {
  if (depth > r.limits.maxDepth) throw new Stop(tooDeep(r.limits));
  for (let t = r.tag(end); t !== undefined; t = r.tag(end)) {
    if (t.field !== 1 || t.wireType !== BYTES) {
      r.skip(t.wireType);
      continue;
    }
    // A map entry: key = 1, value = 2 (both optional; missing ones are "" and an unset Value).
    const entryEnd = r.delimited();
    let key = '';
    let value: JsonValue = null;
    for (let e = r.tag(entryEnd); e !== undefined; e = r.tag(entryEnd)) {
      if (e.field === 1 && e.wireType === BYTES) key = r.string();
      else if (e.field === 2 && e.wireType === BYTES)
        value = readValue(r, r.delimited(), depth, value);
      else r.skip(e.wireType);
    }
    if (r.pos !== entryEnd) throw malformed('a map entry overruns its length');
    if (!Object.hasOwn(into, key)) r.countKey();
    setOwn(into, key, value);
  }
  if (r.pos !== end) throw malformed('a Struct overruns its length');
  return into;
}

/**
 * A google.protobuf.Value from pos to end (`depth`: the level of the object or array holding it).
 * `before`: the value an earlier occurrence of the same field gave (a struct or list merges).
 */
function readValue(r: Reader, end: number, depth: number, before: JsonValue): JsonValue {
  let value: JsonValue = null;
  let kind = 0;
  for (let t = r.tag(end); t !== undefined; t = r.tag(end)) {
    const { field, wireType } = t;
    if (field === 1 && wireType === VARINT) {
      r.varint();
      value = null;
    } else if (field === 2 && wireType === FIXED64) {
      r.advance(8);
      value = r.buf.readDoubleLE(r.pos - 8);
    } else if (field === 3 && wireType === BYTES) value = r.string();
    else if (field === 4 && wireType === VARINT) value = r.varint() !== 0;
    else if (field === 5 && wireType === BYTES) {
      const merge = kind === 5 || (kind === 0 && isObject(before));
      const into = merge ? (kind === 5 ? value : before) : {};
      value = readStruct(r, r.delimited(), depth + 1, into as JsonObject);
    } else if (field === 6 && wireType === BYTES) {
      const merge = kind === 6 || (kind === 0 && Array.isArray(before));
      const into = merge ? ((kind === 6 ? value : before) as JsonValue[]) : [];
      value = readList(r, r.delimited(), depth + 1, into);
    } else {
      r.skip(wireType);
      continue;
    }
    kind = field;
  }
  if (r.pos !== end) throw malformed('a Value overruns its length');
  return kind === 0 ? (before ?? null) : value;
}

const isObject = (v: JsonValue): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A google.protobuf.ListValue from pos to end, appended to `into`. */
function readList(r: Reader, end: number, depth: number, into: JsonValue[]): JsonValue[] {
  if (depth > r.limits.maxDepth) throw new Stop(tooDeep(r.limits));
  for (let t = r.tag(end); t !== undefined; t = r.tag(end)) {
    if (t.field !== 1 || t.wireType !== BYTES) {
      r.skip(t.wireType);
      continue;
    }
    r.countKey();
    into.push(readValue(r, r.delimited(), depth, null));
  }
  if (r.pos !== end) throw malformed('a ListValue overruns its length');
  return into;
}

export interface DecodedRequest {
  readonly flagKey: string;
  /** Undefined when the request has no context field. */
  readonly context: JsonObject | undefined;
}

/** A Buffer over the same memory. */
const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Runs a decoding, turning a Stop into its error and recording the work done. */
function decoding<T>(r: Reader, work: ConversionWork | undefined, run: () => T): T | ContextError {
  try {
    return run();
  } catch (error) {
    if (error instanceof Stop) return error.error;
    throw error;
  } finally {
    if (work) {
      work.keys = r.keys;
      work.bytes = r.pos;
    }
  }
}

/**
 * Decodes the bytes of a google.protobuf.Struct (a context field read as `bytes` by a codec that
 * leaves the Struct to us) within the limits.
 */
export function decodeContextStruct(
  bytes: Uint8Array,
  options: { readonly limits: ContextLimits; readonly work?: ConversionWork },
): JsonObject | ContextError {
  const r = new Reader(asBuffer(bytes), options.limits);
  return decoding(r, options.work, () => readStruct(r, r.buf.length, 1, {}));
}

/**
 * Decodes a flagd.evaluation request: `flag_key` in field 1 and the Struct context in
 * `contextField` (2 for Resolve*Request, 1 for ResolveAllRequest, which has no flag key).
 */
export function decodeEvaluationRequest(
  bytes: Uint8Array,
  options: {
    readonly contextField: 1 | 2;
    readonly limits: ContextLimits;
    /** Filled with the keys counted and bytes read (tests bound the work of a refusal). */
    readonly work?: ConversionWork;
  },
): DecodedRequest | ContextError {
  const buf = asBuffer(bytes);
  const r = new Reader(buf, options.limits);
  return decoding(r, options.work, () => {
    let flagKey = '';
    let context: JsonObject | undefined;
    for (let t = r.tag(buf.length); t !== undefined; t = r.tag(buf.length)) {
      if (t.field === options.contextField && t.wireType === BYTES) {
        context = readStruct(r, r.delimited(), 1, context ?? {});
      } else if (options.contextField === 2 && t.field === 1 && t.wireType === BYTES) {
        flagKey = r.string();
      } else r.skip(t.wireType);
    }
    return { flagKey, context };
  });
}
