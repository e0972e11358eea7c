// Evaluation error codes on the wire, as flagd maps them (open-feature/flagd:
// flagd/pkg/service/flag-evaluation and core/pkg/service/ofrep/models.go): gRPC status codes for
// flagd.evaluation, HTTP status codes for OFREP.
import { status } from '@grpc/grpc-js';
import type { ErrorCode } from '../engine.js';

/** FLAG_NOT_FOUND → NOT_FOUND, TYPE_MISMATCH → INVALID_ARGUMENT, PARSE_ERROR → DATA_LOSS, GENERAL → UNKNOWN. */
export const GRPC_STATUS: Readonly<Record<ErrorCode, status>> = {
  FLAG_NOT_FOUND: status.NOT_FOUND,
  TYPE_MISMATCH: status.INVALID_ARGUMENT,
  PARSE_ERROR: status.DATA_LOSS,
  GENERAL: status.UNKNOWN,
};

/** OFREP single-flag errors: 404 for a missing flag, 400 for everything else (ofrep models.go). */
export function ofrepStatus(code: ErrorCode): number {
  return code === 'FLAG_NOT_FOUND' ? 404 : 400;
}

/** flagd's OFREP `errorDetails` texts (core/pkg/service/ofrep/models.go). */
export function ofrepDetails(code: ErrorCode, key: string): string {
  switch (code) {
    case 'FLAG_NOT_FOUND':
      return `flag \`${key}\` does not exist`;
    case 'PARSE_ERROR':
      return `error parsing the flag \`${key}\``;
    case 'TYPE_MISMATCH':
      return `flag \`${key}\` has a different type`;
    case 'GENERAL':
      return 'error processing the flag for evaluation';
  }
}

/** A gRPC error for the callback: status plus a message that leads with the code. */
export function grpcError(
  code: ErrorCode,
  message: string | undefined,
): { code: status; details: string } {
  return { code: GRPC_STATUS[code], details: `${code}: ${message ?? code}` };
}
