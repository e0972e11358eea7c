// Runs a bench/*.ts file from source: `node bench/entry.cjs bench/run.ts [args]`.
require('../test/helpers/register-ts.cjs');
const path = require('node:path');
const file = path.resolve(process.argv[2]);
process.argv.splice(2, 1);
require(file);
