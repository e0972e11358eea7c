// Glob matching for `validate` paths: `*` and `?` within one path segment, `**` across
// segments. Implemented as plain backtracking over characters and segments, never by building
// a RegExp from user input (no injection, no catastrophic backtracking on `*` runs).

/** True when `name` (one path segment) matches `pattern` (`*` any run, `?` one character). */
export function matchSegment(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '?' || (c !== undefined && c !== '*' && c === name[n])) {
      p++;
      n++;
    } else if (c === '*') {
      starP = p++;
      starN = n;
    } else if (starP >= 0) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** True when path segments match pattern segments, where a `**` segment spans zero or more. */
export function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  // Iterative with memo: at most |pattern| × |path| states.
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const id = i * (path.length + 1) + j;
    const known = memo.get(id);
    if (known !== undefined) return known;
    let ok: boolean;
    if (i === pattern.length) ok = j === path.length;
    else if (pattern[i] === '**') ok = go(i + 1, j) || (j < path.length && go(i, j + 1));
    else
      ok =
        j < path.length &&
        matchSegment(pattern[i] as string, path[j] as string) &&
        go(i + 1, j + 1);
    memo.set(id, ok);
    return ok;
  };
  return go(0, 0);
}

export function hasGlob(path: string): boolean {
  return path.includes('*') || path.includes('?');
}

/** Splits a glob into the literal directory prefix and the pattern segments below it. */
export function splitGlob(glob: string): { base: string[]; pattern: string[] } {
  const segments = glob.split('/');
  const first = segments.findIndex((s) => hasGlob(s));
  return { base: segments.slice(0, first), pattern: segments.slice(first) };
}
