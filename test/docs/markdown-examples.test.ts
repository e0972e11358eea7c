// Docs that run: every code block of every Markdown file in the repository (the READMEs, docs/,
// test/*/README.md) is executed or checked, so an example cannot drift from the code.
//
// - `sh`/`bash`: one bash script per block, at the root of a stand-in checkout (test/docs/
//   sandbox.ts), against a real daemon this test starts as `npm start` does (`switchyard start
//   --uri file:flags`, on a copy of flags/, on free ports). flagd's default ports in the text
//   (8013–8016) are replaced by the daemon's, so the README keeps the ports a reader uses.
//   Every command must succeed; curl fails on an HTTP error status.
// - `<!-- docs-test: until-ready -->` blocks: each command starts a daemon (FLAGD_*_PORT set to
//   free ports), must answer /readyz 200, and is stopped with SIGTERM.
// - `ts`/`js`: type-checked together with the repository's strictness, then run as ES modules
//   under Node against the same daemon, importing the built packages; a throw, a rejected
//   promise or a type error fails the block. The example is done when its top-level code is.
// - `json`/`yaml`: must parse. `text` (and `console`, `diff`, …): output and sketches, not run.
// - `<!-- docs-test: skip: <reason> -->`: not run; listed with the reason at the end.
// A fence without a language is an error: say `text` for output.
import { parse as parseYaml } from 'yaml';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DaemonProcess, staleBuild } from '../launchpad/daemon-process.js';
import { repositoryRoot } from '../support/testbed.js';
import { SCHEMAS } from '../../scripts/flagd-schemas.cjs';
import { TESTBED } from '../../scripts/flagd-testbed.cjs';
import { type CompiledProgram, compilePrograms } from './compile-programs.js';
import { type CodeBlock, markdownFiles, readMarkdown } from './markdown.js';
import { commandsOf, type RunResult, runProgram, runShell, runUntilReady } from './run-block.js';
import {
  createSandbox,
  mapPorts,
  type PortSet,
  type Sandbox,
  startExampleDaemon,
} from './sandbox.js';

const root = repositoryRoot();
const files = markdownFiles(root, [TESTBED.submodule, SCHEMAS.submodule]);
const parsed = files.map((file) => readMarkdown(root, file));
const blocks = parsed.flatMap((p) => p.blocks);
const where = (block: CodeBlock): string => `${block.file}:${block.line}`;

let sandbox: Sandbox | undefined;
let daemon: DaemonProcess | undefined;
let ports: PortSet | undefined;
let programs = new Map<CodeBlock, CompiledProgram>();
const notRun: string[] = [];

function ready(): { sandbox: Sandbox; ports: PortSet } {
  if (!sandbox || !ports) throw new Error('the example daemon did not start (see beforeAll)');
  return { sandbox, ports };
}

beforeAll(async () => {
  // Examples import the built packages: a stale build would test yesterday's code.
  const stale = readdirSync(join(root, 'packages')).filter(staleBuild);
  if (stale.length > 0) {
    throw new Error(
      `packages/{${stale.join(',')}} are not built or older than their sources: run \`npm run build\` (npm test does)`,
    );
  }
  sandbox = createSandbox();
  ({ ports, daemon } = await startExampleDaemon(sandbox));
  const sources = blocks
    .filter((b) => b.kind === 'program' && b.mode.run === 'execute')
    .map((block) => ({ block, code: mapPorts(block.code, ports as PortSet) }));
  programs = new Map(compilePrograms(sources, sandbox.programs).map((p) => [p.block, p]));
}, 120_000);

afterAll(async () => {
  await daemon?.kill();
  sandbox?.close();
  if (notRun.length > 0) {
    process.stdout.write(
      `\nMarkdown code blocks not run (${notRun.length}):\n${notRun.map((l) => `  ${l}`).join('\n')}\n`,
    );
  }
});

/** What a failed run looks like in the test output: the command's exit and its last lines. */
function failure(what: string, result: RunResult): Error {
  const tail = result.output.split('\n').slice(-40).join('\n');
  const how = result.timedOut ? 'timed out' : `exited with ${String(result.exit)}`;
  return new Error(`${what} ${how}:\n${tail}`);
}

test('every Markdown file is well-formed for the docs test', () => {
  const problems = parsed
    .flatMap((p) => p.problems)
    .map((p) => `${p.file}:${p.line}: ${p.message}`);
  for (const block of blocks) {
    if (block.language === '') {
      problems.push(`${where(block)}: a code block needs a language (\`text\` for output)`);
    } else if (block.kind === undefined) {
      problems.push(`${where(block)}: unknown code block language "${block.language}"`);
    } else if (block.mode.run === 'until-ready' && block.kind !== 'shell') {
      problems.push(`${where(block)}: until-ready applies to shell blocks only`);
    }
  }
  expect(problems).toEqual([]);
  expect(files).toContain('README.md');
});

async function runBlock(block: CodeBlock): Promise<void> {
  const { sandbox, ports } = ready();
  switch (block.kind) {
    case 'shell': {
      if (block.mode.run === 'until-ready') {
        for (const command of commandsOf(block.code)) {
          const run = await runUntilReady(command, sandbox);
          if (!run.ready) {
            throw new Error(
              `\`${command}\` never answered /readyz 200 (exit ${String(run.exit)}):\n${run.output}`,
            );
          }
        }
        return;
      }
      const result = await runShell(block.code, sandbox, ports);
      if (result.exit !== 0) throw failure(`the commands at ${where(block)}`, result);
      return;
    }
    case 'program': {
      const program = programs.get(block);
      if (!program) throw new Error(`${where(block)} was not compiled`);
      if (program.diagnostics.length > 0) throw new Error(program.diagnostics.join('\n'));
      const result = await runProgram(program.file, sandbox);
      if (result.exit !== 0) throw failure(`the example at ${where(block)}`, result);
      return;
    }
    case 'json':
      JSON.parse(block.code);
      return;
    case 'yaml':
      parseYaml(block.code, { prettyErrors: true });
      return;
    default:
      return;
  }
}

const withBlocks = files.filter((file) => blocks.some((b) => b.file === file));

describe.each(withBlocks)('%s', (file) => {
  const own = blocks.filter((b) => b.file === file);
  for (const block of own) {
    const name = `line ${block.line}: ${block.language || '(no language)'}`;
    if (block.mode.run === 'skip') {
      notRun.push(`${where(block)} (${block.language}): ${block.mode.reason}`);
      test.skip(`${name} — not run: ${block.mode.reason}`, () => {});
    } else if (block.kind === 'text' || block.kind === undefined) {
      notRun.push(`${where(block)} (${block.language || 'no language'}): text, not code`);
      test.skip(`${name} — text, not run`, () => {});
    } else {
      test(
        `${name}${block.mode.run === 'until-ready' ? ' (until ready)' : ''}`,
        () => runBlock(block),
        600_000,
      );
    }
  }
});

test('finds the README quick start (a parser that finds nothing would pass everything)', () => {
  const readme = blocks.filter((b) => b.file === 'README.md');
  expect(readme.some((b) => b.kind === 'program' && b.mode.run === 'execute')).toBe(true);
  expect(readme.some((b) => b.kind === 'shell' && b.mode.run === 'execute')).toBe(true);
});
