'use strict';
// Finds a checkout of a public flagd repository that the tests read in place and never copy into
// this repository (the flagd conformance suite, the flag schemas). Places, first match wins:
//   1. the directory an environment variable names (an explicit choice: it must be usable);
//   2. the git submodule (`git clone --recursive`, or `git submodule update --init`);
//   3. `../shared/<name>` beside the repository (a shared read-only copy on CI machines).
// An uninitialised submodule is an empty directory, so a place counts only when it holds the
// repository's marker files. CommonJS without dependencies: scripts/entry.mjs loads it before
// anything is installed, and .ci/run calls it from bash.
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const { isAbsolute, join, relative, resolve } = require('node:path');

/** The repository root (this file lives in scripts/). */
const REPOSITORY_ROOT = resolve(__dirname, '..');

/** A reference checkout was found nowhere; the message lists every place tried and why. */
class ReferenceCheckoutMissingError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ReferenceCheckoutMissingError';
  }
}

/** Why `dir` is not a usable checkout (absent, empty, lacking markers), or undefined when it is. */
function unusable(dir, markers) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return 'does not exist';
  if (readdirSync(dir).length === 0) return 'is empty';
  const missing = markers.filter((marker) => !existsSync(join(dir, marker)));
  return missing.length > 0 ? `has no ${missing.join(', ')}` : undefined;
}

function readVersion(dir, versionFile) {
  const file = join(dir, versionFile);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * Locates one reference checkout.
 * @param {import('./reference-checkout.cjs').CheckoutSpec} spec
 * @param {{ root?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {import('./reference-checkout.cjs').Checkout}
 */
function locateCheckout(spec, options = {}) {
  const root = options.root ?? REPOSITORY_ROOT;
  const env = options.env ?? process.env;
  const found = (dir, origin) => {
    const version = readVersion(dir, spec.versionFile);
    return { dir, origin, version, pinned: version === undefined || version === spec.version };
  };
  const configured = env[spec.envVar];
  if (configured) {
    const dir = isAbsolute(configured) ? configured : resolve(root, configured);
    const problem = unusable(dir, spec.markers);
    if (problem) {
      throw new ReferenceCheckoutMissingError(
        `${spec.envVar}=${configured}: ${dir} ${problem}; it must be a checkout of ${spec.repository}.`,
      );
    }
    return found(dir, spec.envVar);
  }
  const places = [
    [join(root, spec.submodule), `the submodule ${spec.submodule}`],
    [resolve(root, '..', 'shared', spec.name), `../shared/${spec.name}`],
  ];
  const tried = [];
  for (const [dir, origin] of places) {
    const problem = unusable(dir, spec.markers);
    if (!problem) return found(dir, origin);
    tried.push(`  ${relative(root, dir) || dir} (${origin}) ${problem}`);
  }
  throw new ReferenceCheckoutMissingError(
    `${spec.repository} ${spec.version} not found:\n${tried.join('\n')}\n` +
      `Run \`git submodule update --init ${spec.submodule}\` (or clone with --recursive), ` +
      `or set ${spec.envVar} to a checkout.`,
  );
}

/** One line naming what was found, for logs: `flagd-testbed 3.9.0 (the submodule …)`. */
function describeCheckout(spec, checkout) {
  const version = checkout.version ?? 'unknown version';
  const warning = checkout.pinned ? '' : ` — expected ${spec.version}, results may differ`;
  return `${spec.name} ${version} from ${checkout.origin}: ${checkout.dir}${warning}`;
}

/** Command-line use (`node scripts/flagd-testbed.cjs`): print the directory, or the reason and exit 1. */
function printCheckout(locate) {
  try {
    process.stdout.write(`${locate().dir}\n`);
  } catch (error) {
    process.stderr.write(`✖ ${error.message}\n`);
    process.exit(1);
  }
}

module.exports = {
  REPOSITORY_ROOT,
  ReferenceCheckoutMissingError,
  describeCheckout,
  locateCheckout,
  printCheckout,
};
