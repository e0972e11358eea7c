// TEMPORARY (until @switchyard/core exports evaluation): flagd's `sem_ver` operator semantics
// (golang.org/x/mod/semver: a `v` prefix is added, `v1` and `v1.2` are accepted).
interface Version {
  readonly parts: readonly [number, number, number];
  readonly pre: readonly string[];
}

export function parseVersion(input: unknown): Version | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  let s = String(input).trim();
  if (s.startsWith('v') || s.startsWith('V')) s = s.slice(1);
  const plus = s.indexOf('+');
  if (plus >= 0) s = s.slice(0, plus);
  const dash = s.indexOf('-');
  const core = dash >= 0 ? s.slice(0, dash) : s;
  const pre = dash >= 0 ? s.slice(dash + 1).split('.') : [];
  const nums = core.split('.');
  if (nums.length === 0 || nums.length > 3) return undefined;
  const parts: number[] = [];
  for (const n of nums) {
    if (!/^(0|[1-9]\d*)$/.test(n)) return undefined;
    parts.push(Number(n));
  }
  while (parts.length < 3) parts.push(0);
  return { parts: parts as unknown as [number, number, number], pre };
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const d = a.parts[i]! - b.parts[i]!;
    if (d !== 0) return Math.sign(d);
  }
  if (a.pre.length === 0 || b.pre.length === 0)
    return b.pre.length - a.pre.length === 0 ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Math.sign(Number(x) - Number(y));
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function semVer(left: unknown, op: unknown, right: unknown): boolean | null {
  const a = parseVersion(left);
  const b = parseVersion(right);
  if (a === undefined || b === undefined || typeof op !== 'string') return null;
  const c = compare(a, b);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '^':
      return a.parts[0] === b.parts[0];
    case '~':
      return a.parts[0] === b.parts[0] && a.parts[1] === b.parts[1];
    default:
      return null;
  }
}
