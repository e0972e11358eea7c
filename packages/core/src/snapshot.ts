// Snapshots: flags indexed by key with everything an evaluation needs precomputed (frozen
// results per variant, value kinds, the compiled rule), so evaluating is a Map lookup plus, for
// targeted flags, one rule call. A flag's entry is built on its first evaluation and kept: a
// 10,000-flag configuration loads without building 10,000 entries most of which a process may
// never read. Building from a previous snapshot reuses the definitions (and so the compiled
// rules) and any built entries of flags whose contentHash is unchanged.
import { ruleOf } from './internal/compiled.js';
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
  /**
   * The rule when it runs: present only for an enabled flag that parsed, so the hot path asks
   * one question instead of three (beforeRule answers everything else).
   */
  readonly runnable: CompiledTargeting | undefined;
  readonly variants: VariantTable;
  readonly defaultSlot: VariantSlot | undefined;
  /** STATIC and DEFAULT results for the default variant (undefined without one). */
  readonly staticResult: EvaluationResult<JsonValue> | undefined;
  /**
   * The type of the default variant when the flag is answered by `staticResult` alone (enabled,
   * parsed, no rule), else undefined: a typed request of this type gets `staticResult` after one
   * comparison, the usual evaluation of a flag without targeting.
   */
  readonly staticKind: FlagValueType | undefined;
  readonly defaultResult: EvaluationResult<JsonValue> | undefined;
}

const EMPTY_METADATA: FlagMetadata = Object.freeze({});

/** Flags with at most this many variants find one by scanning their names (see VariantTable). */
const SCAN_VARIANTS = 8;

/**
 * A flag's variants by name. A rule's result is looked up here on every evaluation; most flags
 * have a handful of variants, and comparing the result with each name (usually the very string
 * the rule holds, so a pointer compare) is several times cheaper than hashing it for a Map.
 */
export class VariantTable {
  private readonly names: string[] = [];
  private readonly slots: VariantSlot[] = [];
  private readonly byName = new Map<string, VariantSlot>();

  set(name: string, slot: VariantSlot): void {
    this.names.push(name);
    this.slots.push(slot);
    this.byName.set(name, slot);
  }

  get(name: string): VariantSlot | undefined {
    const names = this.names;
    const n = names.length;
    if (n > SCAN_VARIANTS) return this.byName.get(name);
    for (let i = 0; i < n; i++) if (names[i] === name) return this.slots[i];
    return undefined;
  }
}

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
  const variants = new VariantTable();
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
    rule = ruleOf(def);
    if (rule === undefined) {
      const late = compileLate(def);
      rule = late.rule;
      parseError = late.error;
    }
  }
  const defaultSlot =
    def.defaultVariant === undefined ? undefined : variants.get(def.defaultVariant);
  const value = defaultSlot?.match.value as JsonValue;
  const disabled = def.state === 'DISABLED';
  const servedStatically = !disabled && parseError === undefined && rule === undefined;
  return {
    def,
    disabled,
    metadata,
    parseError,
    rule,
    runnable: disabled || parseError !== undefined ? undefined : rule,
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
    staticKind: servedStatically ? defaultSlot?.kind : undefined,
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
  /** Every entry in key order, once evaluateAll has asked (the snapshot never changes). */
  private all: readonly FlagEntry[] | undefined;

  constructor(
    private readonly defs: ReadonlyMap<string, FlagDefinition>,
    /** Entries built so far (by evaluations, or carried over from the previous snapshot). */
    private readonly built: Map<string, FlagEntry>,
    readonly metadata: FlagMetadata,
  ) {}

  /** @internal The evaluation entry of a flag (read by evaluate() and explain()). */
  entry(key: string): FlagEntry | undefined {
    const entry = this.built.get(key);
    if (entry !== undefined) return entry;
    const def = this.defs.get(key);
    if (def === undefined) return undefined;
    const made = buildEntry(def);
    this.built.set(key, made);
    return made;
  }

  /**
   * @internal Every flag's entry in key order, for evaluateAll: built on the first call and
   * kept, so resolving all flags iterates an array instead of the key map plus a lookup each.
   */
  entries(): readonly FlagEntry[] {
    if (this.all === undefined) {
      const list: FlagEntry[] = [];
      for (const key of this.defs.keys()) list.push(this.entry(key) as FlagEntry);
      this.all = list;
    }
    return this.all;
  }

  /** @internal The built entry of a flag, if any (for reuse by the next snapshot). */
  builtEntry(key: string): FlagEntry | undefined {
    return this.built.get(key);
  }

  get size(): number {
    return this.defs.size;
  }

  has(key: string): boolean {
    return this.defs.has(key);
  }

  get(key: string): FlagDefinition | undefined {
    return this.defs.get(key);
  }

  keys(): IterableIterator<string> {
    return this.defs.keys();
  }
}

export function createSnapshot(
  input: FlagConfiguration | readonly FlagDefinition[],
  previous?: FlagSnapshot,
): { snapshot: FlagSnapshot; changes: FlagChanges } {
  const list: readonly FlagDefinition[] = isDefinitionList(input) ? input : input.flags;
  const metadata = isDefinitionList(input) ? EMPTY_METADATA : Object.freeze({ ...input.metadata });
  const reusable = previous instanceof CompiledSnapshot ? previous : undefined;
  const defs = new Map<string, FlagDefinition>();
  for (const def of list) {
    const old = reusable?.get(def.key);
    defs.set(def.key, old !== undefined && old.contentHash === def.contentHash ? old : def);
  }
  const built = new Map<string, FlagEntry>();
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [key, def] of defs) {
    const before = previous?.get(key);
    if (before === undefined) added.push(key);
    else if (before.contentHash !== def.contentHash) changed.push(key);
    else if (reusable !== undefined) {
      const entry = reusable.builtEntry(key);
      if (entry !== undefined && entry.def === def) built.set(key, entry);
    }
  }
  if (previous !== undefined) {
    for (const key of previous.keys()) if (!defs.has(key)) removed.push(key);
  }
  return {
    snapshot: new CompiledSnapshot(defs, built, metadata),
    changes: Object.freeze({ added, removed, changed }),
  };
}

function isDefinitionList(
  input: FlagConfiguration | readonly FlagDefinition[],
): input is readonly FlagDefinition[] {
  return Array.isArray(input);
}
