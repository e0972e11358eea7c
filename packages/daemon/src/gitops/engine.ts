// The gitops commands' only doorway to the flag engine (@switchyard/core's public API,
// docs/architecture.md). Parsing is always strict: validate and diff must reject what the
// daemon would reject, and report everything it would only warn about.
import {
  createSnapshot,
  evaluateAny,
  explain,
  formatDiagnostic,
  parseFlags,
} from '@switchyard/core';
import type { ParseOptions, ParseResult } from './engine-types.js';

export const engine = {
  parseFlags: (text: string, options: ParseOptions = {}): ParseResult =>
    parseFlags(text, { ...options, mode: 'strict' }),
  formatDiagnostic,
  createSnapshot,
  evaluateAny,
  explain,
};
