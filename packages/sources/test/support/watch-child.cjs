// Runs watch-child.ts from the TypeScript sources (the daemon's test loader maps
// @switchyard/* to package sources and compiles .ts with swc).
require('../../../daemon/test/helpers/register-ts.cjs');
require('./watch-child.ts');
