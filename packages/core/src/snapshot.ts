// Snapshots: flags indexed by key with everything an evaluation needs precomputed (frozen
// results per variant, value kinds, the compiled rule), so evaluating is a Map lookup plus, for
// targeted flags, one rule call. Building from a previous snapshot reuses the entries (and so
// the compiled rules) of flags whose contentHash is unchanged.
import { compiledRules } from './internal/compiled.js';
import { formatPath } from './internal/paths.js';
import { compileTargeting } from './targeting-compiler.js';
import { type CompiledTargeting, DEFAULT_LIMITS } from './targeting/types.js';
import type {
  EvaluationResult,
  FlagChanges,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  FlagSnapshot,
  FlagValueType,
  JsonValue,
} from './types.js';

export interface VariantSlot {
  readonly name: string;
  readonly kind: FlagValueType;
  readonly match: EvaluationResult<JsonValue>;
}

export interface FlagEntry {
  readonly def: FlagDefinition;
  readonly disabled: boolean;
  readonly metadata: FlagMetadata;
  /** Why the flag cannot be evaluated (PARSE_ERROR), if it cannot. */
  readonly parseError: string | undefined;
  readonly rule: CompiledTargeting | undefined;
  readonly variants: Map<string, VariantSlot>;
  readonly defaultSlot: VariantSlot | undefined;
  /** STATIC and DEFAULT results for the default variant (undefined without one). */
  readonly staticResult: EvaluationResult<JsonValue> | undefined;
  readonly defaultResult: EvaluationResult<JsonValue> | undefined;
}

const EMPTY_METADATA: FlagMetadata = Object.freeze({});

function kindOf(value: JsonValue): FlagValueType {
  const t = typeof value;
  return t === 'boolean' || t === 'string' || t === 'number' ? t : 'object';
}

function compileLate(def: FlagDefinition): { rule?: CompiledTargeting; error?: string } {
  // Definitions that did not come from parseFlags (built by hand) are compiled here.
  if (def.targeting === undefined) return {};
  try {
    const result = compileTargeting(def.targeting, {
      flagKey: def.key,
      path: formatPath(['flags', def.key, 'targeting']),
      limits: DEFAULT_LIMITS,
    });
    return result.ok ? { rule: result.rule } : { error: result.error.message };
  } catch (error) {
    return {
      error: `the targeting compiler failed: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}

export function buildEntry(def: FlagDefinition): FlagEntry {
  const metadata = Object.isFrozen(def.metadata)
    ? def.metadata
    : Object.freeze({ ...def.metadata });
  const variants = new Map<string, VariantSlot>();
  for (const name of Object.keys(def.variants)) {
    const value = def.variants[name] as JsonValue;
    const match = Object.freeze({
      value,
      variant: name,
      reason: 'TARGETING_MATCH',
      flagMetadata: metadata,
    } as const);
    variants.set(name, { name, kind: kindOf(value), match });
  }
  let parseError = def.error?.message;
  let rule: CompiledTargeting | undefined;
  if (parseError === undefined && def.targeting !== undefined) {
    rule = compiledRules.get(def);
    if (rule === undefined) {
      const late = compileLate(def);
      rule = late.rule;
      parseError = late.error;
    }
  }
  const defaultSlot =
    def.defaultVariant === undefined ? undefined : variants.get(def.defaultVariant);
  const value = defaultSlot?.match.value as JsonValue;
  return {
    def,
    disabled: def.state === 'DISABLED',
    metadata,
    parseError,
    rule,
    variants,
    defaultSlot,
    staticResult:
      defaultSlot &&
      Object.freeze({
        value,
        variant: defaultSlot.name,
        reason: 'STATIC',
        flagMetadata: metadata,
      } as const),
    defaultResult:
      defaultSlot &&
      Object.freeze({
        value,
        variant: defaultSlot.name,
        reason: 'DEFAULT',
        flagMetadata: metadata,
      } as const),
  };
}

export class CompiledSnapshot implements FlagSnapshot {
  constructor(
    /** @internal read by evaluate() */
    readonly entries: ReadonlyMap<string, FlagEntry>,
    readonly metadata: FlagMetadata,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): FlagDefinition | undefined {
    return this.entries.get(key)?.def;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }
}

export function createSnapshot(
  input: FlagConfiguration | readonly FlagDefinition[],
  previous?: FlagSnapshot,
): { snapshot: FlagSnapshot; changes: FlagChanges } {
  const list: readonly FlagDefinition[] = isDefinitionList(input) ? input : input.flags;
  const metadata = isDefinitionList(input) ? EMPTY_METADATA : Object.freeze({ ...input.metadata });
  const reusable = previous instanceof CompiledSnapshot ? previous.entries : undefined;
  const entries = new Map<string, FlagEntry>();
  for (const def of list) {
    const old = reusable?.get(def.key);
    entries.set(
      def.key,
      old !== undefined && old.def.contentHash === def.contentHash ? old : buildEntry(def),
    );
  }
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [key, entry] of entries) {
    const before = previous?.get(key);
    if (before === undefined) added.push(key);
    else if (before.contentHash !== entry.def.contentHash) changed.push(key);
  }
  if (previous !== undefined) {
    for (const key of previous.keys()) if (!entries.has(key)) removed.push(key);
  }
  return {
    snapshot: new CompiledSnapshot(entries, metadata),
    changes: Object.freeze({ added, removed, changed }),
  };
}

function isDefinitionList(
  input: FlagConfiguration | readonly FlagDefinition[],
): input is readonly FlagDefinition[] {
  return Array.isArray(input);
}
