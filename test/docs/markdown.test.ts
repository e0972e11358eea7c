// The Markdown reader of the docs test: fences, languages, markers and the mistakes it reports
// (a marker that reaches no block, an unknown marker, an unterminated fence).
import { parseMarkdown } from './markdown.js';
import { mapPorts } from './sandbox.js';

const md = (...lines: string[]) => parseMarkdown('X.md', lines.join('\n'));

test('blocks with their language, kind, line and code; indented fences lose their indent', () => {
  const { blocks, problems } = md(
    '# Title',
    '```sh',
    'npm start',
    '```',
    '- a list item:',
    '  ```ts',
    "  console.log('hi');",
    '  ```',
    '````text',
    '```',
    '````',
  );
  expect(problems).toEqual([]);
  expect(blocks.map((b) => [b.line, b.language, b.kind, b.code])).toEqual([
    [2, 'sh', 'shell', 'npm start'],
    [6, 'ts', 'program', "console.log('hi');"],
    [9, 'text', 'text', '```'],
  ]);
  expect(blocks.every((b) => b.mode.run === 'execute')).toBe(true);
});

test('a marker applies to the next block, across blank lines only', () => {
  const { blocks, problems } = md(
    '<!-- docs-test: skip: needs a cluster -->',
    '',
    '```sh',
    'kubectl apply -f x.yaml',
    '```',
    '<!-- docs-test: until-ready -->',
    '```sh',
    'switchyard start',
    '```',
    '```sh',
    'echo after',
    '```',
  );
  expect(problems).toEqual([]);
  expect(blocks.map((b) => b.mode)).toEqual([
    { run: 'skip', reason: 'needs a cluster' },
    { run: 'until-ready' },
    { run: 'execute' },
  ]);
});

test('mistakes are reported with their line, not thrown', () => {
  const { problems } = md(
    '<!-- docs-test: skip -->',
    '<!-- docs-test: until-ready -->',
    'some prose',
    '<!-- docs-test: maybe -->',
    '```ts',
    'never closed',
  );
  expect(problems).toEqual([
    { file: 'X.md', line: 1, message: expect.stringContaining('unknown docs-test marker "skip"') },
    { file: 'X.md', line: 2, message: 'marker not followed by a code block' },
    { file: 'X.md', line: 4, message: expect.stringContaining('unknown docs-test marker "maybe"') },
    { file: 'X.md', line: 5, message: 'code block is never closed' },
  ]);
});

test('only whole default ports are mapped', () => {
  const ports = { evaluation: 20013, management: 20014, sync: 20015, ofrep: 20016 };
  expect(
    mapPorts("curl localhost:8016/x; port: 8015, '--port 18013', v8013, 8014.5, :8014/", ports),
  ).toBe("curl localhost:20016/x; port: 20015, '--port 18013', v8013, 8014.5, :20014/");
});
