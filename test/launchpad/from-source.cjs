#!/usr/bin/env node
'use strict';
// Runs the `switchyard` CLI from the TypeScript sources (no build): a require hook that
// transpiles .ts with @swc/core (as jest does), maps `@switchyard/<pkg>` to the package sources
// and `./x.js` imports to `./x.ts`. The launchpad uses it when the daemon's dist is missing or
// older than its sources, so conformance runs always test the code in the tree.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
// Loaded on first use: with a warm cache the daemon starts without loading swc at all.
let swc;
const transformSync = (...args) => {
  swc ??= require('@swc/core');
  return swc.transformSync(...args);
};

const root = path.resolve(__dirname, '..', '..');
/** `@switchyard/<name>` → packages/<dir>, from every workspace package's manifest. */
const packages = Object.fromEntries(
  fs
    .readdirSync(path.join(root, 'packages'))
    .filter((dir) => fs.existsSync(path.join(root, 'packages', dir, 'package.json')))
    .map((dir) => {
      const { name } = JSON.parse(
        fs.readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8'),
      );
      return [name.replace(/^@switchyard\//, ''), dir];
    }),
);

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

// Transpiled output is cached by path, size and mtime: the launchpad respawns the daemon for
// every outage, and transpiling the whole tree each time would add seconds to each restart.
const cacheDir = path.join(require('node:os').tmpdir(), 'switchyard-from-source-cache');
fs.mkdirSync(cacheDir, { recursive: true });

function transpile(filename) {
  const stat = fs.statSync(filename);
  const key = require('node:crypto')
    .createHash('sha1')
    .update(`${filename}\0${stat.size}\0${stat.mtimeMs}`)
    .digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    });
    const temp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temp, code);
    fs.renameSync(temp, cached);
    return code;
  }
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(filename), filename);
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
