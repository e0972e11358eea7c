// `set --commit`: commits the edited file alone (other staged changes stay staged, uncommitted),
// through the one git runner, with an incident's reason as a `Switchyard-Incident:` trailer so
// `git log` shows why the change bypassed the usual review.
import { basename, dirname } from 'node:path';
import { execGit } from '../git/run-git.js';

export async function commitEdit(input: {
  readonly file: string;
  readonly message: string;
  readonly incident: string | undefined;
}): Promise<string> {
  const cwd = dirname(input.file);
  const name = basename(input.file);
  const trailer =
    input.incident === undefined ? [] : ['--trailer', `Switchyard-Incident: ${input.incident}`];
  await execGit(cwd, ['add', '--', name]);
  await execGit(cwd, ['commit', '--quiet', '-m', input.message, ...trailer, '--only', '--', name]);
  return (await execGit(cwd, ['rev-parse', 'HEAD'])).trim();
}
