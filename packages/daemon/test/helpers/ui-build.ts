// The console's browser assets for tests: built by the package build (`npm test` builds first);
// when they are missing or older than their sources (a test run straight from a checkout), this
// builds them the same way, with ui/build.mjs in a child process.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGE = join(__dirname, '..', '..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export function ensureUiBuilt(): string {
  const out = join(PACKAGE, 'dist', 'ui');
  const bundle = join(out, 'app.js');
  const sources = Math.max(
    newest(join(PACKAGE, 'ui')),
    statSync(join(PACKAGE, 'src', 'console', 'api-types.ts')).mtimeMs,
  );
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
    execFileSync(process.execPath, [join(PACKAGE, 'ui', 'build.mjs')], { stdio: 'pipe' });
  }
  return out;
}
