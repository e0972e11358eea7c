#!/usr/bin/env node
'use strict';
// The `switchyard` command. The CLI lives in the compiled package; run `npm run build` first
// when working from a clone (npm start and npm test do it for you).
let cli;
try {
  cli = require('../dist/cjs/cli/main.js');
} catch (error) {
  if (
    error &&
    error.code === 'MODULE_NOT_FOUND' &&
    String(error.message).includes('dist/cjs/cli/main.js')
  ) {
    process.stderr.write(
      'switchyard: the daemon is not built yet; run `npm run build` at the repository root\n',
    );
    process.exit(1);
  }
  throw error;
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`switchyard: ${error?.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
