// One jest run covers every package and the cross-package tests in test/.
// Sources are transformed by swc (type checking is `tsc`'s job, run separately);
// workspace packages resolve to their TypeScript sources so tests never need a build. The packed
// tarballs are checked outside jest, by scripts/check-packages.mjs (the last step of `npm test`).
const path = require('node:path');

const pkg = (name, dir) => ({
  [`^@switchyard/${name}$`]: path.join(__dirname, 'packages', dir, 'src', 'index.ts'),
});

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/.tmp/'],
  // The flagd-testbed and flagd-schemas submodules are data read in place, not modules.
  modulePathIgnorePatterns: ['<rootDir>/test/flagd-testbed/', '<rootDir>/test/flagd-schemas/'],
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/'],
  moduleNameMapper: {
    ...pkg('core', 'core'),
    ...pkg('protocol', 'protocol'),
    ...pkg('sources', 'sources'),
    ...pkg('gitops', 'gitops'),
    ...pkg('daemon', 'daemon'),
    ...pkg('openfeature-provider', 'provider'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 30000,
};
