// Compiled rules travel from parseFlags to createSnapshot beside the (plain, frozen) flag
// definitions, so a configuration is compiled once, and definitions stay plain data.
import type { CompiledTargeting } from '../targeting/types.js';
import type { FlagDefinition } from '../types.js';

export const compiledRules = new WeakMap<FlagDefinition, CompiledTargeting>();
