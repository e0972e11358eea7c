// The schemas the tests read are those of the pinned release: the git blob ids of the three
// schema files at open-feature/flagd-schemas 1daf5ff (tag json/json-schema-v0.2.15, the commit
// the test/flagd-schemas submodule records), whichever place scripts/flagd-schemas.cjs found them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemasJsonDir } from '../../scripts/flagd-schemas.cjs';

const PINNED_BLOBS = {
  'flagd.json': 'ec1e06baafc55b65aa03b3f15c0991e57684d7c2',
  'flags.json': 'cff1aab8118ea2f941a0ef8b3688239f8de32757',
  'targeting.json': 'f8dd7544fa69f7485f16a85986005344bbe31c2d',
  'version.txt': 'b005e307c519f6a50b3156d4ed67a619b0239b06',
};

/** What `git hash-object` prints for a file. */
function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

test.each(Object.entries(PINNED_BLOBS))('%s is the pinned release’s', (name, blob) => {
  expect(gitBlobId(readFileSync(join(schemasJsonDir(), name)))).toBe(blob);
});
