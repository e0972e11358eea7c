// The one table behind every SwitchyardError code: what the CLI exits with and what each
// transport answers. Transports and the CLI look a code up here instead of keeping their own
// mapping, so a new error class is one file plus one row.
//
// Status numbers are the canonical gRPC codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html);
// core has no gRPC dependency, so they are listed by name here.

/** Canonical gRPC status codes used by the table. */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface ErrorCodeInfo {
  /** Process exit code when the error ends a CLI command (2: the invocation is wrong). */
  readonly exitCode: number;
  /** gRPC status a server answers with. */
  readonly grpcStatus: number;
  /** HTTP status an HTTP endpoint (OFREP, management, Connect) answers with. */
  readonly httpStatus: number;
  /** One line for docs and `--help`. */
  readonly summary: string;
}

export const ERROR_CODES = {
  CONFIGURATION_INVALID: {
    exitCode: 1,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    summary: 'a flag configuration was rejected (diagnostics name file, flag and JSON path)',
  },
  USAGE: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    summary: 'a command line, environment variable or config file is wrong',
  },
  INVALID_OPTION: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    summary: 'a provider option or environment variable has an unusable value',
  },
  SOURCE_NOT_SUPPORTED: {
    exitCode: 2,
    grpcStatus: GrpcStatus.UNIMPLEMENTED,
    httpStatus: 501,
    summary: 'a source URI or provider that is not served',
  },
  INVALID_SELECTOR: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    summary: 'a selector with a key other than flagSetId or source',
  },
  INVALID_CONTEXT: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    summary: 'an evaluation request whose context is malformed or nested deeper than allowed',
  },
  CONTEXT_TOO_LARGE: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 413,
    summary: 'an evaluation request whose context has more keys and array elements than allowed',
  },
  SOURCE_UNAVAILABLE: {
    exitCode: 1,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    httpStatus: 503,
    summary: 'a flag source cannot deliver a configuration right now',
  },
  STARTUP: {
    exitCode: 1,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    httpStatus: 503,
    summary: 'the daemon could not start (port in use, unreadable TLS key, ...)',
  },
  INPUT_UNREADABLE: {
    exitCode: 2,
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 404,
    summary: 'a file, directory or context a command was given cannot be found or read',
  },
  INVALID_FLAGS: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    summary: 'a flag configuration a command was given does not parse (strict mode)',
  },
  INVALID_USAGE_REPORT: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    summary:
      'a usage report from a provider is malformed or over a bound (its counts are not kept)',
  },
  INVALID_REQUEST: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    summary: 'a request to the console API is malformed or over a bound',
  },
  FLAG_NOT_SERVED: {
    exitCode: 1,
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 404,
    summary: 'the daemon serves no flag of that key and set (or nothing yet)',
  },
  FLAG_EDIT_REFUSED: {
    exitCode: 1,
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 409,
    summary:
      'switchyard set refused an edit: the flag is ambiguous or the result would not validate',
  },
  GIT_FAILED: {
    exitCode: 2,
    grpcStatus: GrpcStatus.INTERNAL,
    httpStatus: 500,
    summary: 'git could not be run or refused the command (unknown revision, not a repository)',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Every code a SwitchyardError may carry. */
export type SwitchyardErrorCode = keyof typeof ERROR_CODES;

/** The table row of `code`. */
export function errorCodeInfo(code: SwitchyardErrorCode): ErrorCodeInfo {
  return ERROR_CODES[code];
}
