// Rewrites the benchmark table in packages/core/README.md between the bench markers. The rest
// of the README belongs to its authors: nothing outside the markers is touched.
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

export function replaceBetweenMarkers(text: string, content: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < 0 || end < start) {
    throw new Error(`README has no "${START}" … "${END}" block`);
  }
  return `${text.slice(0, start + START.length)}\n${content.trim()}\n${text.slice(end)}`;
}

export function updateReadme(path: string, content: string): void {
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, replaceBetweenMarkers(text, content));
}
