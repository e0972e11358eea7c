// Evaluation error codes on the wire, as flagd maps them (open-feature/flagd:
// flagd/pkg/service/flag-evaluation/flag_evaluator.go `errFormat`, and
// core/pkg/service/ofrep/models.go): status codes for flagd.evaluation — one numbering for gRPC,
// gRPC-Web and Connect, whose codes are the same numbers — and HTTP status codes for OFREP.
import type { ErrorCode } from '../engine.js';

/** The gRPC status codes the evaluation services answer (Connect's `Code` has the same numbers). */
export const STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type StatusCode = (typeof STATUS)[keyof typeof STATUS];

/** A call that ends with a status other than OK, whatever the protocol. */
export interface CallFailure {
  readonly code: StatusCode;
  readonly message: string;
}

/** FLAG_NOT_FOUND → NOT_FOUND, TYPE_MISMATCH → INVALID_ARGUMENT, PARSE_ERROR → DATA_LOSS, GENERAL → UNKNOWN. */
export const EVALUATION_STATUS: Readonly<Record<ErrorCode, StatusCode>> = {
  FLAG_NOT_FOUND: STATUS.NOT_FOUND,
  TYPE_MISMATCH: STATUS.INVALID_ARGUMENT,
  PARSE_ERROR: STATUS.DATA_LOSS,
  GENERAL: STATUS.UNKNOWN,
};

/** An evaluation error as a call failure: the status plus a message that leads with the code. */
export function evaluationFailure(code: ErrorCode, message: string | undefined): CallFailure {
  return { code: EVALUATION_STATUS[code], message: `${code}: ${message ?? code}` };
}

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
