// Where the shared, read-only reference data lives (never copied into the repository).
import { isAbsolute, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');

export function schemasDir(): string {
  return resolve(root, '..', 'shared', 'flagd-schemas', 'json');
}

export function testbedDir(): string {
  const configured = process.env.FLAGD_TESTBED_DIR;
  if (configured) return isAbsolute(configured) ? configured : resolve(root, configured);
  return resolve(root, '..', 'shared', 'flagd-testbed');
}
