// TypeScript and JavaScript examples become files under test/.tmp (so that `@switchyard/*`,
// `@openfeature/*` and the other imports resolve as in the workspace, to the built packages),
// are type-checked together in one TypeScript program with the repository's strictness, and are
// transpiled to ES modules for Node. A diagnostic is reported at its line in the Markdown file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './markdown.js';

export interface CompiledProgram {
  readonly block: CodeBlock;
  /** The module Node runs. */
  readonly file: string;
  /** Type errors, as `README.md:27:5: message`. */
  readonly diagnostics: readonly string[];
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  esModuleInterop: true,
  skipLibCheck: true,
  types: ['node'],
  noEmit: true,
  // Examples show values without using them (`next.changes; // { added: … }`).
  noUnusedLocals: false,
  noUnusedParameters: false,
};

function slug(block: CodeBlock, index: number): string {
  const name = `${block.file.replace(/[^\w]+/g, '-')}-${block.line}`;
  return `${String(index).padStart(2, '0')}-${name}`.toLowerCase();
}

function located(diagnostic: ts.Diagnostic, blockOf: Map<string, CodeBlock>): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const block = diagnostic.file ? blockOf.get(diagnostic.file.fileName) : undefined;
  if (!diagnostic.file || diagnostic.start === undefined || !block) return message;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  // The code starts on the line after the opening fence.
  return `${block.file}:${block.line + 1 + line}:${character + 1}: TS${diagnostic.code} ${message}`;
}

/**
 * Writes, checks and transpiles the program blocks (`code` already has its ports mapped).
 * JavaScript blocks are transpiled but not type-checked.
 */
export function compilePrograms(
  blocks: readonly { block: CodeBlock; code: string }[],
  dir: string,
): CompiledProgram[] {
  const sources = blocks.map(({ block, code }, i) => {
    const typescript = /^(ts|typescript)$/i.test(block.language);
    const source = join(dir, `${slug(block, i)}.${typescript ? 'ts' : 'mjs'}`);
    writeFileSync(source, code);
    return { block, code, source, typescript };
  });
  const blockOf = new Map(sources.map((s) => [s.source, s.block]));
  const checked = sources.filter((s) => s.typescript).map((s) => s.source);
  const program = ts.createProgram(checked, OPTIONS);
  const diagnostics = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const key = d.file?.fileName ?? '';
    diagnostics.set(key, [...(diagnostics.get(key) ?? []), located(d, blockOf)]);
  }
  const global = diagnostics.get('') ?? [];
  return sources.map(({ block, code, source, typescript }) => {
    if (!typescript) return { block, file: source, diagnostics: [] };
    const file = source.replace(/\.ts$/, '.mjs');
    const { outputText } = ts.transpileModule(code, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      fileName: source,
    });
    writeFileSync(file, outputText);
    return { block, file, diagnostics: [...global, ...(diagnostics.get(source) ?? [])] };
  });
}
