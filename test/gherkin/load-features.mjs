#!/usr/bin/env node
// Parses every .feature file under a directory with @cucumber/gherkin and compiles them to
// pickles (Background applied, Scenario Outlines expanded per example row, placeholders
// substituted, tags inherited from feature, rule, scenario and Examples block), then applies a
// @cucumber/tag-expressions filter. Prints one JSON document on stdout.
//
// Why a child process: the @cucumber packages are ESM-only and jest's CommonJS module registry
// cannot load them (it refuses require(esm) before Node 24.9). Node itself can, so the runner
// (feature-loader.ts) calls this script synchronously while jest collects tests.
//
// Usage: node load-features.mjs '{"dir": "/abs/dir", "tags": "not @wip"}'
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { parse as parseTags } from '@cucumber/tag-expressions';

const { dir, tags } = JSON.parse(process.argv[2] ?? '{}');
if (typeof dir !== 'string') throw new Error('usage: load-features.mjs {"dir": ..., "tags": ...}');
const filter = tags ? parseTags(tags) : { evaluate: () => true };

function walk(d) {
  const out = [];
  for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    const path = join(d, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile() && entry.name.endsWith('.feature')) out.push(path);
  }
  return out;
}

const features = [];
for (const file of walk(dir)) {
  const uri = relative(dir, file).split(sep).join('/');
  const newId = IdGenerator.incrementing();
  let document;
  try {
    const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
    document = parser.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    features.push({ uri, file, name: uri, error: String(error?.message ?? error), cases: [] });
    continue;
  }
  const feature = document.feature;
  if (!feature) {
    features.push({ uri, file, name: uri, cases: [] });
    continue;
  }
  // AST lookups by id: steps (keyword, line), scenarios, example rows (with their block).
  const steps = new Map();
  const scenarios = new Map();
  const rows = new Map();
  const visitSteps = (list) => {
    for (const s of list) steps.set(s.id, { keyword: s.keyword.trim(), line: s.location.line });
  };
  const visitChildren = (children) => {
    for (const child of children) {
      if (child.background) visitSteps(child.background.steps);
      if (child.rule) visitChildren(child.rule.children);
      if (child.scenario) {
        const sc = child.scenario;
        scenarios.set(sc.id, { name: sc.name, line: sc.location.line, keyword: sc.keyword });
        visitSteps(sc.steps);
        for (const ex of sc.examples) {
          const header = ex.tableHeader ? ex.tableHeader.cells.map((c) => c.value) : [];
          for (const row of ex.tableBody) {
            rows.set(row.id, {
              block: ex.name,
              header,
              values: row.cells.map((c) => c.value),
              line: row.location.line,
            });
          }
        }
      }
    }
  };
  visitChildren(feature.children);

  const cases = compile(document, uri, newId).map((pickle) => {
    const scenario = scenarios.get(pickle.astNodeIds[0]);
    const row = pickle.astNodeIds.length > 1 ? rows.get(pickle.astNodeIds.at(-1)) : undefined;
    const tagNames = pickle.tags.map((t) => t.name);
    return {
      scenario: pickle.name,
      line: row?.line ?? scenario?.line ?? 0,
      example: row,
      tags: tagNames,
      selected: filter.evaluate(tagNames),
      steps: pickle.steps.map((step) => {
        const ast = steps.get(step.astNodeIds[0]);
        const argument = step.argument;
        return {
          keyword: ast?.keyword ?? '*',
          type: step.type ?? 'Unknown',
          text: step.text,
          line: ast?.line ?? 0,
          ...(argument?.dataTable
            ? { dataTable: argument.dataTable.rows.map((r) => r.cells.map((c) => c.value)) }
            : {}),
          ...(argument?.docString ? { docString: argument.docString.content } : {}),
        };
      }),
    };
  });
  features.push({ uri, file, name: feature.name, tags: feature.tags.map((t) => t.name), cases });
}

process.stdout.write(JSON.stringify({ dir, tags: tags ?? null, features }));
