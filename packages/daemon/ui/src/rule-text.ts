// A targeting rule (flagd's JSONLogic) as lines a person reads: `if` chains as if / else if /
// else with the variant each branch serves, conditions as infix expressions (`plan in ["pro"]`,
// `email ends with "@example.com"`, `app_version >= 2.3.0 (semver)`), `fractional` as its split.
// Pure and bounded (depth and line count), so it renders any rule the daemon serves.

export interface RuleLine {
  readonly depth: number;
  readonly text: string;
  /** `branch`: a condition line; `serve`: the variant a branch serves; `note`: everything else. */
  readonly kind: 'branch' | 'serve' | 'note';
}

const MAX_DEPTH = 24;
const MAX_LINES = 400;
const MAX_TEXT = 400;

type Rule = unknown;

const INFIX: Readonly<Record<string, string>> = {
  '==': '==',
  '===': '==',
  '!=': '!=',
  '!==': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  in: 'in',
  '+': '+',
  '-': '-',
  '*': '×',
  '/': '/',
  '%': 'mod',
  starts_with: 'starts with',
  ends_with: 'ends with',
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function literal(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The operator and its argument list of a JSONLogic node (`{"op": args}`), if it is one. */
function operation(rule: Rule): { op: string; args: unknown[] } | undefined {
  if (!isObject(rule)) return undefined;
  const keys = Object.keys(rule);
  if (keys.length !== 1) return undefined;
  const op = keys[0] as string;
  const raw = rule[op];
  return { op, args: Array.isArray(raw) ? raw : [raw] };
}

/** An expression on one line. */
export function expression(rule: Rule, depth = 0): string {
  if (depth > MAX_DEPTH) return '…';
  const node = operation(rule);
  if (node === undefined)
    return Array.isArray(rule)
      ? `[${rule.map((r) => expression(r, depth + 1)).join(', ')}]`
      : literal(rule);
  const { op, args } = node;
  const e = (r: Rule) => expression(r, depth + 1);
  const wrapped = (r: Rule) => {
    const inner = operation(r);
    const text = e(r);
    return inner && (inner.op === 'and' || inner.op === 'or') ? `(${text})` : text;
  };
  switch (op) {
    case 'var': {
      const name = args[0];
      const shown = typeof name === 'string' && name !== '' ? name : literal(name ?? '');
      return args.length > 1 ? `${shown} (default ${literal(args[1])})` : shown;
    }
    case 'and':
    case 'or':
      return args.map(wrapped).join(` ${op} `);
    case '!':
      return `not ${wrapped(args[0])}`;
    case '!!':
      return `${wrapped(args[0])} is set`;
    case 'sem_ver':
      return `${e(args[0])} ${String(args[1])} ${literal(args[2])} (semver)`;
    case 'fractional':
      return fractionalText(args);
    case 'if':
      return `if ${e(args[0])} then ${e(args[1])}${args.length > 2 ? ` else ${e(args.slice(2).length === 1 ? args[2] : { if: args.slice(2) })}` : ''}`;
  }
  const infix = INFIX[op];
  if (infix !== undefined && args.length === 2)
    return `${wrapped(args[0])} ${infix} ${wrapped(args[1])}`;
  if ((op === '<' || op === '<=') && args.length === 3)
    return `${e(args[0])} ${op} ${e(args[1])} ${op} ${e(args[2])}`;
  return `${op}(${args.map(e).join(', ')})`;
}

/** `fractional` as its split: bucketing input, then each variant's share. */
export function fractionalText(args: readonly unknown[]): string {
  const [first, ...rest] = args;
  const explicit = !Array.isArray(first);
  const buckets = (explicit ? rest : args).filter(Array.isArray) as unknown[][];
  const total = buckets.reduce((sum, b) => sum + (typeof b[1] === 'number' ? b[1] : 1), 0);
  const shares = buckets.map((b) => {
    const weight = typeof b[1] === 'number' ? b[1] : 1;
    const pct = total > 0 ? (weight / total) * 100 : 0;
    return `${literal(b[0])} ${Number.isInteger(pct) ? pct : pct.toFixed(2)}%`;
  });
  const by = explicit ? expression(first, 1) : 'flagKey + targetingKey';
  return `split by ${by}: ${shares.join(', ')}`;
}

function serve(value: Rule, depth: number, out: RuleLine[]): void {
  const node = operation(value);
  if (node?.op === 'if') {
    ifLines(node.args, depth, out);
  } else if (node?.op === 'fractional') {
    out.push({ depth, kind: 'serve', text: fractionalText(node.args) });
  } else if (
    node === undefined &&
    (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
  ) {
    out.push({ depth, kind: 'serve', text: `serve ${literal(value)}` });
  } else if (value === null) {
    out.push({ depth, kind: 'serve', text: 'serve the default variant' });
  } else {
    out.push({ depth, kind: 'serve', text: `serve ${expression(value)}` });
  }
}

function ifLines(args: readonly unknown[], depth: number, out: RuleLine[]): void {
  if (depth > MAX_DEPTH) {
    out.push({ depth, kind: 'note', text: '…' });
    return;
  }
  for (let i = 0; i + 1 < args.length; i += 2) {
    out.push({
      depth,
      kind: 'branch',
      text: `${i === 0 ? 'if' : 'else if'} ${expression(args[i])}`,
    });
    serve(args[i + 1], depth + 1, out);
  }
  out.push({ depth, kind: 'branch', text: 'else' });
  serve(args.length % 2 === 1 ? args[args.length - 1] : null, depth + 1, out);
}

/** The rule as readable lines (at most MAX_LINES). */
export function ruleLines(rule: Rule): RuleLine[] {
  const out: RuleLine[] = [];
  serve(rule, 0, out);
  return out.length > MAX_LINES
    ? [
        ...out.slice(0, MAX_LINES),
        { depth: 0, kind: 'note', text: `… ${out.length - MAX_LINES} more lines` },
      ]
    : out;
}
