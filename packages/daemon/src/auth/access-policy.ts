// The one decision on every port (docs/adr/0036): a request's credentials and the selector it
// asks for → the client and the selector it is served, or a typed refusal. Transports only
// extract credentials (auth/credentials.ts) and map the refusal to their status through
// ERROR_CODES (gRPC UNAUTHENTICATED / PERMISSION_DENIED, HTTP 401 / 403); none decides itself.
//
// - A bearer token is hashed (SHA-256) and looked up by its digest, then compared with
//   timingSafeEqual: the time taken says nothing about how much of a token was right, and the
//   token is never kept, logged or put in a message.
// - Without a token, a client certificate (already verified by TLS against --client-ca-path)
//   is matched by the subject attributes a client lists.
// - A request without a selector is served the union of the client's selectors; one with a
//   selector is served it only if the client has exactly that selector (or `*`).
import { timingSafeEqual } from 'node:crypto';
import { PermissionDeniedError } from '../errors/permission-denied-error.js';
import { UnauthenticatedError } from '../errors/unauthenticated-error.js';
import type { Logger } from '../logger.js';
import type { DaemonMetrics } from '../metrics.js';
import type { Selector } from '../store/selector.js';
import { sha256Hex } from './auth-config.js';
import type { AuthClient, AuthConfig, SubjectRule } from './auth-config.js';

/** A certificate subject as node:tls gives it (`{CN: 'edge-1', O: 'acme'}`). */
export type CertificateSubject = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface Credentials {
  /** The `authorization` header or metadata value (`Bearer <token>`). */
  readonly authorization: string | undefined;
  /**
   * The connection the request came on (a socket), when the transport knows it: a token that
   * authenticated on it is recognised on its next requests without hashing it again.
   */
  readonly connection?: object | undefined;
  /** The verified client certificate's subject, read only when no token is given. */
  readonly subject: () => CertificateSubject | undefined;
}

export type Transport = 'sync' | 'evaluation' | 'ofrep' | 'management';

export interface Grant {
  readonly client: AuthClient;
  /** What the request is served. */
  readonly selector: Selector;
}

export type AccessError = UnauthenticatedError | PermissionDeniedError;

const BEARER = /^bearer\s+(\S+)\s*$/i;

const NO_CREDENTIAL =
  'this daemon requires a credential: send "authorization: Bearer <token>" or a client certificate';
const UNKNOWN_CREDENTIAL = 'the credential is not one --auth-config knows (unknown or revoked)';

/**
 * Whether two strings are equal, taking the same time wherever they differ (the time depends on
 * the length only): no allocation, unlike timingSafeEqual on Buffers of them.
 */
function sameInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

function subjectMatches(rule: SubjectRule, subject: CertificateSubject): boolean {
  for (const [name, value] of rule.attributes) {
    const actual = subject[name];
    if (actual === undefined) return false;
    if (typeof actual === 'string' ? actual !== value : !actual.includes(value)) return false;
  }
  return true;
}

/** A header that authenticated on a connection, under the configuration of `version`. */
interface Recognised {
  readonly header: string;
  readonly version: number;
  readonly client: AuthClient;
}

export class AccessPolicy {
  /** Counts replacements: what a connection recognised under an older one is decided again. */
  private version = 0;
  private readonly recognised = new WeakMap<object, Recognised>();

  constructor(
    private config: AuthConfig,
    private readonly observe: { readonly metrics: DaemonMetrics; readonly logger: Logger },
  ) {}

  /** The configuration in force. */
  get current(): AuthConfig {
    return this.config;
  }

  /** Puts a newly validated configuration in force (for every request from now on). */
  replace(config: AuthConfig): void {
    this.config = config;
    this.version++;
  }

  /**
   * The client a connection's earlier request authenticated as, if this request carries the
   * same header (compared in constant time: a proxy may bring other callers' requests over the
   * same connection). Keep-alive clients pay for the hash once per connection.
   */
  private recognise(connection: object | undefined, header: string): AuthClient | undefined {
    const known = connection === undefined ? undefined : this.recognised.get(connection);
    if (known === undefined || known.version !== this.version) return undefined;
    return sameInConstantTime(header, known.header) ? known.client : undefined;
  }

  /** The client behind the credentials, or UNAUTHENTICATED. */
  authenticate(credentials: Credentials, transport: Transport): AuthClient | AccessError {
    const header = credentials.authorization;
    if (header !== undefined && header !== '') {
      const recognised = this.recognise(credentials.connection, header);
      if (recognised !== undefined) return recognised;
      const token = BEARER.exec(header)?.[1];
      const hex = token === undefined ? undefined : sha256Hex(token);
      const entry = hex === undefined ? undefined : this.config.tokens.get(hex);
      // The lookup key is a digest no caller can steer; the comparison that confirms it runs
      // in constant time all the same.
      if (entry !== undefined && timingSafeEqual(entry.digest, Buffer.from(hex!, 'hex'))) {
        const { connection } = credentials;
        if (connection !== undefined) {
          this.recognised.set(connection, {
            header,
            version: this.version,
            client: entry.client,
          });
        }
        return entry.client;
      }
      return this.refuse(
        new UnauthenticatedError(UNKNOWN_CREDENTIAL),
        transport,
        'unknown_credential',
      );
    }
    const subject = this.config.subjects.length === 0 ? undefined : credentials.subject();
    if (subject !== undefined) {
      const rule = this.config.subjects.find((r) => subjectMatches(r, subject));
      if (rule !== undefined) return rule.client;
      return this.refuse(
        new UnauthenticatedError(UNKNOWN_CREDENTIAL),
        transport,
        'unknown_credential',
      );
    }
    return this.refuse(new UnauthenticatedError(NO_CREDENTIAL), transport, 'no_credential');
  }

  /** The client and what it is served for `requested` (ALL_FLAGS when it asked for none). */
  authorize(
    credentials: Credentials,
    requested: Selector,
    transport: Transport,
  ): Grant | AccessError {
    const client = this.authenticate(credentials, transport);
    if (refused(client)) return client;
    if (client.allowed === undefined) return { client, selector: requested };
    if (requested.kind === 'all') return { client, selector: client.selector };
    if (client.allowed.has(requested.key)) return { client, selector: requested };
    return this.deny(client, `flags of "${requested.key}"`, transport);
  }

  /** Whether the client may read every flag (management endpoints that show them all). */
  requireAllFlags(client: AuthClient, what: string, transport: Transport): AccessError | undefined {
    return client.allowed === undefined ? undefined : this.deny(client, what, transport);
  }

  /** Whether the client is an operator (the console, authors in /audit). */
  requireOperator(client: AuthClient, what: string, transport: Transport): AccessError | undefined {
    return client.operator ? undefined : this.deny(client, what, transport);
  }

  private deny(client: AuthClient, what: string, transport: Transport): PermissionDeniedError {
    return this.refuse(
      new PermissionDeniedError(`client "${client.id}" may not read ${what}`),
      transport,
      'permission_denied',
    );
  }

  private refuse<E extends AccessError>(error: E, transport: Transport, reason: string): E {
    this.observe.metrics.authFailures.add(1, { transport, reason });
    this.observe.logger.debug({ transport, reason }, error.message);
    return error;
  }
}

/** Whether a decision is a refusal. */
export const refused = (decision: object): decision is AccessError =>
  decision instanceof UnauthenticatedError || decision instanceof PermissionDeniedError;
