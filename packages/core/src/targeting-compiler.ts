// Where the flag model gets its targeting compiler: the closure compiler in targeting/, behind
// the seam in targeting/types.ts. One indirection, so tests of the flag model can substitute a
// controllable compiler (test/support/fake-compiler.ts).
export { compileTargeting } from './targeting/compile.js';
