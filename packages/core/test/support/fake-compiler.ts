// A controllable stand-in for the targeting compiler, used by tests that prove the flag model's
// own behaviour (how a rule's raw result becomes a flagd result) independently of JSONLogic.
// Rules: {"$return": v} returns v; {"$throw": msg} throws; {"$flagKey": 0} returns
// scope.flagKey; {"$timestamp": 0} returns scope.timestamp(); {"$context": "k"} returns
// context[k] ?? baseContext[k]; {"$warn": v} returns v with a compile warning; anything else is
// an unknown operator (compile error).
import type {
  CompileTargeting,
  CompiledTargeting,
  TargetingScope,
} from '../../src/targeting/types.js';
import type { JsonValue } from '../../src/types.js';

export const compiledCount = { value: 0 };

export const fakeCompile: CompileTargeting = (rule, options) => {
  compiledCount.value++;
  const obj = rule as Record<string, JsonValue>;
  const op = Object.keys(obj)[0] ?? '';
  const arg = obj[op];
  let run: (scope: TargetingScope) => unknown;
  switch (op) {
    case '$return':
    case '$warn':
      run = () => arg;
      break;
    case '$throw':
      run = () => {
        throw new Error(String(arg));
      };
      break;
    case '$flagKey':
      run = (s) => s.flagKey;
      break;
    case '$timestamp':
      run = (s) => s.timestamp();
      break;
    case '$context':
      run = (s) => s.context?.[String(arg)] ?? s.baseContext?.[String(arg)];
      break;
    default:
      return {
        ok: false,
        error: {
          severity: 'error',
          code: 'UNKNOWN_OPERATOR',
          message: `unknown operator "${op}"`,
          path: `${options.path}.${op}`,
          flagKey: options.flagKey,
        },
        warnings: [],
      };
  }
  const compiled: CompiledTargeting = {
    evaluate: run,
    explain: (scope) => {
      const value = run(scope);
      return { value, trace: { op, path: options.path, result: value } };
    },
  };
  const warnings =
    op === '$warn'
      ? [
          {
            severity: 'warning' as const,
            code: 'BAD_ARGUMENT',
            message: 'suspicious argument',
            path: `${options.path}.$warn`,
            flagKey: options.flagKey,
          },
        ]
      : [];
  return { ok: true, rule: compiled, warnings };
};
export { fakeCompile as compileTargeting };
