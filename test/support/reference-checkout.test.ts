// Where the tests find the flagd testbed and schemas (scripts/reference-checkout.cjs): the
// environment variable, else the git submodule, else ../shared; an uninitialised submodule (an
// empty directory) counts as absent. Each case builds the three places in a temp directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMAS, locateSchemas, schemasJsonDir } from '../../scripts/flagd-schemas.cjs';
import { TESTBED, describeTestbed, locateTestbed } from '../../scripts/flagd-testbed.cjs';
import { ReferenceCheckoutMissingError } from '../../scripts/reference-checkout.cjs';

let base: string;
let root: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'switchyard-checkout-'));
  root = join(base, 'switchyard');
  mkdirSync(join(root, TESTBED.submodule), { recursive: true }); // as `git clone` leaves it
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** A directory that looks like a testbed checkout of the given version. */
function testbedAt(dir: string, version = TESTBED.version): string {
  for (const marker of TESTBED.markers) mkdirSync(join(dir, marker), { recursive: true });
  writeFileSync(join(dir, 'version.txt'), `${version}\n`);
  return dir;
}

const shared = () => join(base, 'shared', 'flagd-testbed');

test('an empty submodule directory falls through to ../shared', () => {
  testbedAt(shared());
  expect(locateTestbed({ root, env: {} })).toEqual({
    dir: shared(),
    origin: '../shared/flagd-testbed',
    version: '3.9.0',
    pinned: true,
  });
});

test('an initialised submodule wins over ../shared', () => {
  testbedAt(shared());
  const submodule = testbedAt(join(root, TESTBED.submodule));
  const found = locateTestbed({ root, env: {} });
  expect(found.dir).toBe(submodule);
  expect(found.origin).toBe('the submodule test/flagd-testbed');
});

test('FLAGD_TESTBED_DIR wins over both, relative to the repository root', () => {
  testbedAt(shared());
  testbedAt(join(root, TESTBED.submodule));
  const mine = testbedAt(join(base, 'mine'), '3.8.0');
  const found = locateTestbed({ root, env: { FLAGD_TESTBED_DIR: '../mine' } });
  expect(found).toMatchObject({ dir: mine, origin: 'FLAGD_TESTBED_DIR', pinned: false });
  expect(describeTestbed(found)).toContain('expected 3.9.0');
});

test('a FLAGD_TESTBED_DIR that is not a checkout is an error, not a fall-through', () => {
  testbedAt(shared());
  mkdirSync(join(base, 'half', 'gherkin'), { recursive: true });
  expect(() => locateTestbed({ root, env: { FLAGD_TESTBED_DIR: join(base, 'half') } })).toThrow(
    /FLAGD_TESTBED_DIR=.*has no evaluator, flags/,
  );
});

test('nothing anywhere: one error naming every place and how to get the submodule', () => {
  let error: unknown;
  try {
    locateTestbed({ root, env: {} });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ReferenceCheckoutMissingError);
  const message = (error as Error).message;
  expect(message).toContain('test/flagd-testbed (the submodule test/flagd-testbed) is empty');
  expect(message).toContain('(../shared/flagd-testbed) does not exist');
  expect(message).toContain('git submodule update --init test/flagd-testbed');
});

test('the schemas follow the same order and expose their json/ directory', () => {
  const sharedSchemas = join(base, 'shared', 'flagd-schemas');
  for (const marker of SCHEMAS.markers) mkdirSync(join(sharedSchemas, marker), { recursive: true });
  mkdirSync(join(root, SCHEMAS.submodule), { recursive: true });
  expect(locateSchemas({ root, env: {} }).dir).toBe(sharedSchemas);
  expect(schemasJsonDir({ root, env: {} })).toBe(join(sharedSchemas, 'json'));
  expect(() => locateSchemas({ root, env: { FLAGD_SCHEMAS_DIR: root } })).toThrow(
    /FLAGD_SCHEMAS_DIR/,
  );
});
