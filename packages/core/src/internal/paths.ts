// JSON paths as diagnostics print them: `flags.my-flag.variants`, `flags[2].key`,
// `flags["a.b"].state`. Segments are kept as arrays internally so positions can be found.

export type PathSegment = string | number;

function isSimpleKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) || // 0-9
      (c >= 65 && c <= 90) || // A-Z
      (c >= 97 && c <= 122) || // a-z
      c === 95 || // _
      c === 45 || // -
      c === 36; // $
    if (!ok) return false;
  }
  return true;
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (isSimpleKey(segment)) out += out.length === 0 ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Parses a path printed by `formatPath` (or a compatible one from the targeting compiler, which
 * may also use `.key` for operator names such as `==`). Returns undefined when it cannot.
 */
export function parsePath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '[') {
      const close = path[i + 1] === '"' ? findStringEnd(path, i + 1) : path.indexOf(']', i);
      if (close < 0) return undefined;
      if (path[i + 1] === '"') {
        try {
          segments.push(JSON.parse(path.slice(i + 1, close + 1)) as string);
        } catch {
          return undefined;
        }
        if (path[close + 1] !== ']') return undefined;
        i = close + 2;
      } else {
        const index = Number(path.slice(i + 1, close));
        if (!Number.isInteger(index)) return undefined;
        segments.push(index);
        i = close + 1;
      }
    } else {
      if (c === '.') i++;
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      segments.push(path.slice(i, end));
      i = end;
    }
  }
  return segments;
}

function findStringEnd(path: string, start: number): number {
  for (let i = start + 1; i < path.length; i++) {
    if (path[i] === '\\') i++;
    else if (path[i] === '"') return i;
  }
  return -1;
}
