// The flagd conformance suite (open-feature/flagd-testbed) and the flag schemas
// (open-feature/flagd-schemas) for the cross-package tests. Where they are found is decided once,
// in scripts/flagd-testbed.cjs and scripts/flagd-schemas.cjs: FLAGD_TESTBED_DIR /
// FLAGD_SCHEMAS_DIR, else the git submodules under test/, else ../shared. The testbed has no
// license, so it is read in place and never copied into this repository. A missing testbed is an
// error, never a skip: a conformance run that silently checks nothing is worse than a red one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemasJsonDir } from '../../scripts/flagd-schemas.cjs';
import { locateTestbed } from '../../scripts/flagd-testbed.cjs';
import {
  REPOSITORY_ROOT,
  ReferenceCheckoutMissingError,
} from '../../scripts/reference-checkout.cjs';

export { ReferenceCheckoutMissingError as TestbedMissingError };

/** The repository root. */
export function repositoryRoot(): string {
  return REPOSITORY_ROOT;
}

/** Absolute path of the testbed; throws TestbedMissingError when it is absent. */
export function testbedDir(): string {
  return locateTestbed().dir;
}

/** A path inside the testbed that must exist (a file or directory). */
export function testbedPath(...parts: string[]): string {
  const path = join(testbedDir(), ...parts);
  if (!existsSync(path)) {
    throw new ReferenceCheckoutMissingError(
      `flagd-testbed at ${testbedDir()} has no ${parts.join('/')}`,
    );
  }
  return path;
}

/** The testbed release (version.txt), or 'unknown'. */
export function testbedVersion(): string {
  const file = join(testbedDir(), 'version.txt');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : 'unknown';
}

/** The flagd schemas' json/ directory (flags.json, targeting.json, test/, examples/). */
export function schemasDir(): string {
  return schemasJsonDir();
}
