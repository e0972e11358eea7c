#!/usr/bin/env node
// bin/switchyard.cjs, but running src/ through register-ts.cjs (tests spawn this).
require('./register-ts.cjs');
const { main } = require('../../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`switchyard: ${error?.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
