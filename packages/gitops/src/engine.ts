// The flag engine as the gitops commands use it: @switchyard/core's public API, with parsing
// always strict, so validate and diff reject what the daemon would reject and report everything
// it would only warn about.
import { createSnapshot, evaluateAny, explain, parseFlags } from '@switchyard/core';
import type { ParseOptions, ParseResult } from './engine-types.js';

export const engine = {
  parseFlags: (text: string, options: ParseOptions = {}): ParseResult =>
    parseFlags(text, { ...options, mode: 'strict' }),
  createSnapshot,
  evaluateAny,
  explain,
};
