// The --auth-config file (JSON, or YAML by its extension): who may read which flags.
//
//   {"clients": [
//     {"id": "team-a", "token": "sha256:<hex>", "selectors": ["flagSetId=team-a"]},
//     {"id": "edge-1", "subject": "CN=edge-1,O=acme", "selectors": ["*"]},
//     {"id": "ops", "token": "<secret>", "selectors": ["*"], "operator": true}]}
//
// A client has an `id`, a credential — `token` (the bearer token itself, or `sha256:<hex>` of it)
// and/or `subject` (attributes its client certificate's subject must have) — and the
// `selectors` it may read: flagd selectors (https://flagd.dev/reference/selectors/) or `*` for
// every flag. `operator: true` (with `*`) also opens the console and the authors in /audit.
// Validation reports every problem at once, each with the file and its JSON path; the file is
// compiled into lookup tables (tokens by digest: the configuration in memory holds no token).
import { hash } from 'node:crypto';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AuthConfigError } from '../errors/auth-config-error.js';
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';
import { ALL_FLAGS, anyOf, parseSelector } from '../store/selector.js';
import type { Selector } from '../store/selector.js';

/** The largest --auth-config file read (bytes). */
export const MAX_AUTH_CONFIG_BYTES = 1_000_000;
const MAX_CLIENTS = 10_000;
/** A plain token shorter than this is guessable: refused (use a random 32-byte value). */
const MIN_TOKEN_LENGTH = 16;
const SHA256 = /^sha256:([0-9a-f]{64})$/i;
const CLIENT_KEYS = new Set(['id', 'token', 'subject', 'selectors', 'operator']);

export interface AuthClient {
  readonly id: string;
  /** What the client reads when it asks for no selector: the union of its selectors. */
  readonly selector: Selector;
  /** Keys of the selectors it may ask for; undefined = every selector (`*`). */
  readonly allowed: ReadonlySet<string> | undefined;
  readonly operator: boolean;
}

export interface SubjectRule {
  /** Attribute → value, all of which the certificate's subject must have. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly client: AuthClient;
}

/** A validated --auth-config. */
export interface AuthConfig {
  /** The file it was read from (messages). */
  readonly path: string;
  /** SHA-256 digest (hex) of each token → its digest bytes and client. */
  readonly tokens: ReadonlyMap<string, { readonly digest: Buffer; readonly client: AuthClient }>;
  readonly subjects: readonly SubjectRule[];
  readonly clients: readonly AuthClient[];
}

/** SHA-256 of a token as hex (crypto.hash: one call, no Hash object; ~1 µs per request). */
export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/** `CN=edge-1,O=acme` → {CN: edge-1, O: acme}, or why it is not one. */
function parseSubject(text: string): Map<string, string> | string {
  const attributes = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq <= 0 || value === '') return `"${part.trim()}" is not ATTRIBUTE=value`;
    if (attributes.has(name)) return `attribute ${name} is given twice`;
    attributes.set(name, value);
  }
  return attributes;
}

/** Collects problems as `file: $.path: message`. */
class Problems {
  readonly lines: string[] = [];
  constructor(private readonly path: string) {}
  add(at: string, message: string): void {
    if (this.lines.length < 50) this.lines.push(`${this.path}: ${at}: ${message}`);
  }
}

type Member = Exclude<Selector, { kind: 'any' | 'all' }>;

function selectorsOf(value: unknown, at: string, problems: Problems): Selector[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.add(at, 'must be a non-empty array of selectors ("flagSetId=...", "source=...", "*")');
    return undefined;
  }
  const selectors: Selector[] = [];
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') {
      problems.add(`${at}[${i}]`, 'must be a non-empty string');
      return;
    }
    if (item.trim() === '*') {
      selectors.push(ALL_FLAGS);
      return;
    }
    try {
      selectors.push(parseSelector(item));
    } catch (error) {
      if (!(error instanceof InvalidSelectorError)) throw error;
      problems.add(`${at}[${i}]`, error.message.replace(/^INVALID_SELECTOR: /, ''));
    }
  });
  return selectors;
}

function clientOf(id: string, selectors: readonly Selector[], operator: boolean): AuthClient {
  if (selectors.some((s) => s.kind === 'all')) {
    return { id, selector: ALL_FLAGS, allowed: undefined, operator };
  }
  const members = selectors as Member[];
  const selector = members.length === 1 ? members[0]! : anyOf(members);
  return { id, selector, allowed: new Set(members.map((m) => m.key)), operator };
}

interface Credential {
  readonly digest: Buffer | undefined;
  readonly subject: Map<string, string> | undefined;
}

function credentialOf(raw: Record<string, unknown>, at: string, problems: Problems): Credential {
  let digest: Buffer | undefined;
  let subject: Map<string, string> | undefined;
  if (raw.token !== undefined) {
    const token = raw.token;
    if (typeof token !== 'string') problems.add(`${at}.token`, 'must be a string');
    else if (SHA256.test(token)) digest = Buffer.from(SHA256.exec(token)![1]!, 'hex');
    else if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token))
      problems.add(
        `${at}.token`,
        `must be at least ${MIN_TOKEN_LENGTH} characters without spaces, or sha256:<64 hex digits>`,
      );
    else digest = Buffer.from(sha256Hex(token), 'hex');
  }
  if (raw.subject !== undefined) {
    const parsed = typeof raw.subject === 'string' ? parseSubject(raw.subject) : 'must be a string';
    if (typeof parsed === 'string') problems.add(`${at}.subject`, parsed);
    else subject = parsed;
  }
  if (raw.token === undefined && raw.subject === undefined)
    problems.add(at, 'needs a credential: "token" or "subject" (a client certificate)');
  return { digest, subject };
}

interface Tables {
  readonly problems: Problems;
  readonly tokens: Map<string, { readonly digest: Buffer; readonly client: AuthClient }>;
  readonly subjects: SubjectRule[];
  readonly clients: AuthClient[];
  readonly ids: Set<string>;
}

function addClient(raw: unknown, at: string, tables: Tables): void {
  const { problems } = tables;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.add(at, 'must be an object');
    return;
  }
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields))
    if (!CLIENT_KEYS.has(key))
      problems.add(`${at}.${key}`, `unknown field (allowed: ${[...CLIENT_KEYS].join(', ')})`);
  const id = fields.id;
  if (typeof id !== 'string' || id.trim() === '')
    problems.add(`${at}.id`, 'must be a non-empty string');
  else if (tables.ids.has(id)) problems.add(`${at}.id`, `"${id}" is used by an earlier client`);
  const credential = credentialOf(fields, at, problems);
  const selectors = selectorsOf(fields.selectors, `${at}.selectors`, problems);
  const operator = fields.operator ?? false;
  if (typeof operator !== 'boolean') problems.add(`${at}.operator`, 'must be true or false');
  else if (operator && !selectors?.some((s) => s.kind === 'all'))
    problems.add(`${at}.operator`, 'an operator reads every flag: give it the selector "*"');
  if (typeof id !== 'string' || selectors === undefined || typeof operator !== 'boolean') return;
  const client = clientOf(id, selectors, operator);
  tables.ids.add(id);
  tables.clients.push(client);
  if (credential.digest !== undefined) {
    const hex = credential.digest.toString('hex');
    if (tables.tokens.has(hex)) problems.add(`${at}.token`, 'is the token of an earlier client');
    else tables.tokens.set(hex, { digest: credential.digest, client });
  }
  if (credential.subject !== undefined)
    tables.subjects.push({ attributes: credential.subject, client });
}

/** Parses the document's text (JSON, or YAML for .yaml/.yml). */
function documentOf(path: string, text: string): unknown {
  const yaml = /^\.ya?ml$/i.test(extname(path));
  try {
    return yaml ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (error) {
    throw new AuthConfigError(
      `${path}: $: not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
}

/** Validates and compiles the file's text; throws an AuthConfigError listing every problem. */
export function parseAuthConfig(path: string, text: string): AuthConfig {
  if (Buffer.byteLength(text) > MAX_AUTH_CONFIG_BYTES)
    throw new AuthConfigError(`${path}: $: over the limit of ${MAX_AUTH_CONFIG_BYTES} bytes`);
  const document = documentOf(path, text);
  const problems = new Problems(path);
  const tables: Tables = { problems, tokens: new Map(), subjects: [], clients: [], ids: new Set() };
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    problems.add('$', 'must be an object with "clients"');
  } else {
    const root = document as Record<string, unknown>;
    for (const key of Object.keys(root))
      if (key !== 'clients' && key !== '$schema') problems.add(`$.${key}`, 'unknown field');
    const clients = root.clients;
    if (!Array.isArray(clients)) problems.add('$.clients', 'must be an array of clients');
    else if (clients.length > MAX_CLIENTS)
      problems.add('$.clients', `${clients.length} clients is over the limit of ${MAX_CLIENTS}`);
    else
      clients.forEach((c, i) => {
        addClient(c, `$.clients[${i}]`, tables);
      });
  }
  if (problems.lines.length > 0) throw new AuthConfigError(problems.lines.join('\n'));
  return { path, tokens: tables.tokens, subjects: tables.subjects, clients: tables.clients };
}
