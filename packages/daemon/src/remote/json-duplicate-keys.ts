// JSON.parse keeps the last of two members with the same name; protojson (flagd's connect-go,
// and @bufbuild/protobuf behind the Connect router) refuses such a request as invalid_argument.
// The unary fast path checks its bodies here so that it never answers what the router refuses.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether `text` — which JSON.parse accepted — names a member twice in one object, at any depth.
 * One pass over the text; names with escapes are decoded before comparing.
 */
export function hasDuplicateKeys(text: string): boolean {
  // The member names seen in each open object; undefined for an open array.
  const open: (Set<string> | undefined)[] = [];
  let nameNext = false;
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case QUOTE: {
        const start = i;
        let escaped = false;
        for (i++; text.charCodeAt(i) !== QUOTE; i++) {
          if (text.charCodeAt(i) === BACKSLASH) {
            escaped = true;
            i++;
          }
        }
        const names = open[open.length - 1];
        if (nameNext && names !== undefined) {
          const raw = text.slice(start, i + 1);
          const name = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
          if (names.has(name)) return true;
          names.add(name);
        }
        nameNext = false;
        break;
      }
      case 0x7b: // {
        open.push(new Set());
        nameNext = true;
        break;
      case 0x5b: // [
        open.push(undefined);
        nameNext = false;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        open.pop();
        nameNext = false;
        break;
      case 0x2c: // ,
        nameNext = open[open.length - 1] !== undefined;
        break;
      case 0x3a: // :
        nameNext = false;
        break;
    }
  }
  return false;
}
