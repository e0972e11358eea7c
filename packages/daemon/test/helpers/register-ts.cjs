// Lets child processes run the daemon from its TypeScript sources (no build), the way jest does:
// `.ts` files are compiled by swc on require, `@switchyard/*` maps to package sources and
// relative `.js` imports find their `.ts` files.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../../../..');
// `@switchyard/<name>` → its package directory, from the name in each packages/<dir>/package.json.
const packages = {};
for (const dir of fs.readdirSync(path.join(root, 'packages'))) {
  const manifest = path.join(root, 'packages', dir, 'package.json');
  if (!fs.existsSync(manifest)) continue;
  const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  if (name?.startsWith('@switchyard/')) packages[name.slice('@switchyard/'.length)] = dir;
}
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  let target = request;
  const match = /^@switchyard\/([\w-]+)$/.exec(request);
  if (match && packages[match[1]]) {
    target = path.join(root, 'packages', packages[match[1]], 'src', 'index.ts');
  } else if (
    request.startsWith('.') &&
    request.endsWith('.js') &&
    parent?.filename?.endsWith('.ts')
  ) {
    const ts = path.resolve(path.dirname(parent.filename), `${request.slice(0, -3)}.ts`);
    if (fs.existsSync(ts)) target = ts;
  }
  return resolveFilename.call(this, target, parent, ...rest);
};
require.extensions['.ts'] = function compile(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
