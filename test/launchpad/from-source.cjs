#!/usr/bin/env node
'use strict';
// Runs the `switchyard` CLI from the TypeScript sources (no build): a require hook that
// transpiles .ts with @swc/core (as jest does), maps `@switchyard/<pkg>` to the package sources
// and `./x.js` imports to `./x.ts`. The launchpad uses it when the daemon's dist is missing or
// older than its sources, so conformance runs always test the code in the tree.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const packages = {
  core: 'core',
  protocol: 'protocol',
  daemon: 'daemon',
  'openfeature-provider': 'provider',
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const m = /^@switchyard\/([\w-]+)$/.exec(request);
  if (m && packages[m[1]]) return path.join(root, 'packages', packages[m[1]], 'src', 'index.ts');
  if (parent?.filename?.endsWith('.ts') && /^\.{1,2}\//.test(request) && request.endsWith('.js')) {
    const candidate = path.resolve(path.dirname(parent.filename), `${request.slice(0, -3)}.ts`);
    if (fs.existsSync(candidate)) return candidate;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

const cli = require(path.join(root, 'packages', 'daemon', 'src', 'cli', 'main.ts'));
cli.main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`switchyard: ${error?.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
