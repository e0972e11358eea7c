// The gitops commands' only doorway to the flag engine. It uses @switchyard/core's public API
// (docs/architecture.md) when core exports it, and a temporary fallback (./fallback/) while
// core is being written. Detection is by export at run time, so this module compiles against
// either state of core; delete ./fallback/ and the detection once core has landed.
import * as core from '@switchyard/core';
import type { Engine } from './engine-types.js';
import {
  fallbackCreateSnapshot,
  fallbackEvaluateAny,
  fallbackExplain,
} from './fallback/evaluate.js';
import { fallbackParseFlags } from './fallback/parse.js';

const exported = core as unknown as Partial<Omit<Engine, 'name'>>;

function formatFallback(d: Parameters<Engine['formatDiagnostic']>[0]): string {
  let where = d.file ?? '<input>';
  if (d.line !== undefined) where += `:${d.line}`;
  if (d.line !== undefined && d.column !== undefined) where += `:${d.column}`;
  return `${where}: ${d.severity} ${d.code}${d.path ? ` ${d.path}` : ''}: ${d.message}`;
}

function pick(): Engine {
  const { parseFlags, formatDiagnostic, createSnapshot, evaluateAny, explain } = exported;
  // Core's snapshots only evaluate flags parsed by core, so it is all or nothing.
  if (parseFlags && createSnapshot && evaluateAny && explain) {
    return {
      name: 'core',
      parseFlags: (text, options) => parseFlags(text, { mode: 'strict', ...options }),
      formatDiagnostic: formatDiagnostic ?? formatFallback,
      createSnapshot,
      evaluateAny,
      explain,
    };
  }
  return {
    name: 'fallback',
    parseFlags: parseFlags ?? fallbackParseFlags,
    formatDiagnostic: formatDiagnostic ?? formatFallback,
    createSnapshot: fallbackCreateSnapshot,
    evaluateAny: fallbackEvaluateAny,
    explain: fallbackExplain,
  };
}

export const engine: Engine = pick();
