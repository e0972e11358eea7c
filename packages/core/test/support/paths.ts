// The flagd testbed and schemas, read in place and never copied into the repository. Where they
// are is decided once for every test, by scripts/flagd-testbed.cjs and scripts/flagd-schemas.cjs:
// FLAGD_TESTBED_DIR / FLAGD_SCHEMAS_DIR, else the git submodules under test/, else ../shared.
import { schemasJsonDir } from '../../../../scripts/flagd-schemas.cjs';
import { locateTestbed } from '../../../../scripts/flagd-testbed.cjs';

/** The json/ directory of open-feature/flagd-schemas (flags.json, targeting.json, test/). */
export function schemasDir(): string {
  return schemasJsonDir();
}

/** The open-feature/flagd-testbed checkout. */
export function testbedDir(): string {
  return locateTestbed().dir;
}
