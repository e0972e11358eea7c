// Where core gets its targeting compiler from. TEMPORARY stub until
// packages/core/src/targeting/compile.ts lands (another engineer writes it to the seam in
// targeting/types.ts); then this file becomes a one-line re-export.
import type { CompileTargeting, CompiledTargeting } from './targeting/types.js';

const noMatch: CompiledTargeting = {
  evaluate: () => null,
  explain: () => ({ value: null, trace: { op: 'stub', path: 'targeting', result: null } }),
};

export const compileTargeting: CompileTargeting = () => ({ ok: true, rule: noMatch, warnings: [] });
