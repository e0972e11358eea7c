// `sem_ver` with flagd's semantics: flagd strips a leading `v`/`V`, prefixes `v` and hands the
// string to golang.org/x/mod/semver, which accepts `v1` and `v1.2` (meaning .0), orders
// prereleases per semver 2.0.0 and ignores build metadata. This is a hand-written parser of that
// grammar (no regular expressions).

export interface SemVer {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Prerelease identifiers (without the leading `-`); empty for a release. */
  readonly prerelease: readonly string[];
}

export const SEMVER_OPERATORS: ReadonlySet<string> = new Set([
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '^',
  '~',
]);

const NO_PRERELEASE: readonly string[] = [];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

function isNumeric(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Reads a number without leading zeros at `at`; returns the end index or -1. */
function readInt(s: string, at: number): number {
  let i = at;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  if (i === at) return -1;
  if (s.charCodeAt(at) === 48 && i - at > 1) return -1;
  return i;
}

/** Dot-separated identifiers from `at` up to `stop` (exclusive); null when malformed. */
function readIdents(s: string, at: number, stop: number, numericRule: boolean): string[] | null {
  const parts: string[] = [];
  let start = at;
  for (let i = at; i <= stop; i++) {
    if (i === stop || s.charCodeAt(i) === 46) {
      const id = s.slice(start, i);
      if (id.length === 0) return null;
      if (numericRule && id.length > 1 && id.charCodeAt(0) === 48 && isNumeric(id)) return null;
      parts.push(id);
      start = i + 1;
    } else if (!isIdentChar(s.charCodeAt(i))) {
      return null;
    }
  }
  return parts;
}

/** Parses a version the way flagd does before calling x/mod/semver. Null when invalid. */
export function parseSemVer(input: unknown): SemVer | null {
  let s: string;
  if (typeof input === 'string') s = input;
  else if (typeof input === 'number' && Number.isFinite(input)) {
    // Go's strconv.FormatFloat(f, 'f', -1, 64): never exponent notation.
    s =
      Number.isInteger(input) && Math.abs(input) >= 1e21 ? BigInt(input).toString() : String(input);
  } else return null;

  const first = s.charCodeAt(0);
  const body = first === 118 || first === 86 ? s.slice(1) : s; // strip one leading v/V
  let i = readInt(body, 0);
  if (i < 0) return null;
  const major = body.slice(0, i);
  let minor = '0';
  let patch = '0';
  let prerelease: readonly string[] = NO_PRERELEASE;
  if (i < body.length) {
    if (body.charCodeAt(i) !== 46) return null;
    const j = readInt(body, i + 1);
    if (j < 0) return null;
    minor = body.slice(i + 1, j);
    i = j;
    if (i < body.length) {
      if (body.charCodeAt(i) !== 46) return null;
      const p = readInt(body, i + 1);
      if (p < 0) return null;
      patch = body.slice(i + 1, p);
      i = p;
      // Prerelease and build metadata are only allowed after a full major.minor.patch.
      if (i < body.length && body.charCodeAt(i) === 45) {
        let stop = body.indexOf('+', i + 1);
        if (stop < 0) stop = body.length;
        const ids = readIdents(body, i + 1, stop, true);
        if (ids === null) return null;
        prerelease = ids;
        i = stop;
      }
      if (i < body.length && body.charCodeAt(i) === 43) {
        if (readIdents(body, i + 1, body.length, false) === null) return null;
        i = body.length;
      }
      if (i !== body.length) return null;
    }
  }
  return { major, minor, patch, prerelease };
}

/**
 * parseSemVer for the version read from the context on every evaluation. Versions in contexts
 * have few distinct values (app and OS versions), so recent results are kept: a bounded map,
 * emptied when full. Parsed versions are immutable, so sharing them is safe.
 */
const recent = new Map<string, SemVer | null>();
const RECENT_LIMIT = 256;
/** Longer inputs are parsed every time: the cache must not keep long context strings alive. */
const CACHED_LENGTH = 64;

export function parseSemVerCached(input: unknown): SemVer | null {
  if (typeof input !== 'string' || input.length > CACHED_LENGTH) return parseSemVer(input);
  let parsed = recent.get(input);
  if (parsed === undefined) {
    parsed = parseSemVer(input);
    if (recent.size >= RECENT_LIMIT) recent.clear();
    recent.set(input, parsed);
  }
  return parsed;
}

/** Canonical form as x/mod/semver prints it, without build metadata, e.g. `v1.2.0-rc.1`. */
export function formatSemVer(v: SemVer): string {
  const pre = v.prerelease.length > 0 ? `-${v.prerelease.join('.')}` : '';
  return `v${v.major}.${v.minor}.${v.patch}${pre}`;
}

/** Compares decimal digit strings without leading zeros. */
function compareInt(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(x: readonly string[], y: readonly string[]): number {
  if (x.length === 0 || y.length === 0) {
    if (x.length === y.length) return 0;
    return x.length === 0 ? 1 : -1; // a release sorts after its prereleases
  }
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x[i] as string;
    const b = y[i] as string;
    if (a === b) continue;
    const an = isNumeric(a);
    const bn = isNumeric(b);
    if (an !== bn) return an ? -1 : 1;
    if (an) return compareInt(a, b);
    return a < b ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

export function compareSemVer(a: SemVer, b: SemVer): number {
  return (
    compareInt(a.major, b.major) ||
    compareInt(a.minor, b.minor) ||
    compareInt(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}

/** Applies a `sem_ver` operator; null for an unknown operator. */
export function applySemVer(a: SemVer, op: unknown, b: SemVer): boolean | null {
  switch (op) {
    case '=':
      return compareSemVer(a, b) === 0;
    case '!=':
      return compareSemVer(a, b) !== 0;
    case '<':
      return compareSemVer(a, b) < 0;
    case '<=':
      return compareSemVer(a, b) <= 0;
    case '>':
      return compareSemVer(a, b) > 0;
    case '>=':
      return compareSemVer(a, b) >= 0;
    case '^': // semver.Major equality
      return a.major === b.major;
    case '~': // semver.MajorMinor equality
      return a.major === b.major && a.minor === b.minor;
    default:
      return null;
  }
}
