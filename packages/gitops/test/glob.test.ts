// The glob matcher behind `validate PATH...`: no RegExp is built from user input, so patterns
// are matched literally apart from `*`, `?` and `**`.
import { matchSegment, matchSegments, splitGlob } from '../src/flags/glob.js';

test('* and ? within one segment', () => {
  expect(matchSegment('*.json', 'flags.json')).toBe(true);
  expect(matchSegment('*.json', 'flags.yaml')).toBe(false);
  expect(matchSegment('f?ags.*', 'flags.yaml')).toBe(true);
  expect(matchSegment('a*b*c', 'aXXbYYc')).toBe(true);
  expect(matchSegment('a*b*c', 'aXXbYY')).toBe(false);
  // Regex metacharacters are plain characters.
  expect(matchSegment('(a|b)+.json', '(a|b)+.json')).toBe(true);
  expect(matchSegment('(a|b)+.json', 'a.json')).toBe(false);
});

test('** spans zero or more directories', () => {
  expect(matchSegments(['**', '*.json'], ['a.json'])).toBe(true);
  expect(matchSegments(['**', '*.json'], ['x', 'y', 'a.json'])).toBe(true);
  expect(matchSegments(['x', '**', 'a.json'], ['x', 'a.json'])).toBe(true);
  expect(matchSegments(['x', '*', 'a.json'], ['x', 'a.json'])).toBe(false);
});

test('a long run of stars stays fast (no exponential backtracking)', () => {
  const start = Date.now();
  expect(matchSegment('*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
  expect(matchSegments(Array(30).fill('**').concat('z'), Array(200).fill('a'))).toBe(false);
  expect(Date.now() - start).toBeLessThan(2000);
});

test('splitGlob keeps the literal directory prefix', () => {
  expect(splitGlob('flags/**/*.json')).toEqual({ base: ['flags'], pattern: ['**', '*.json'] });
  expect(splitGlob('*.yaml')).toEqual({ base: [], pattern: ['*.yaml'] });
});
