// What `npm start -- ARGS` at the repository root runs (scripts/entry.mjs loads this from the
// build): ARGS are `switchyard start` options added to the default `start --uri file:flags`,
// which serves the example ./flags, unless they name sources of their own (--uri, --sources,
// --config, FLAGD_URI, FLAGD_SOURCES). A command (`npm start -- validate flags`) runs as given.
import { parseCommandLine } from './command-line.js';
import { envName } from './spec.js';

const DEFAULT_SOURCE = ['--uri', 'file:flags'];
const SOURCE_OPTIONS = ['uri', 'sources', 'config'];

export function npmStartArgs(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const options = args[0] === 'start' ? args.slice(1) : args;
  if (options.length > 0 && !(options[0] as string).startsWith('-')) return [...args];
  let named: boolean;
  try {
    const { values } = parseCommandLine(options).args;
    named =
      SOURCE_OPTIONS.some((name) => values.has(name)) ||
      ['uri', 'sources'].some((name) => (env[envName(name)] ?? '') !== '');
  } catch {
    named = true; // a usage error: `switchyard start` reports it as it stands
  }
  return ['start', ...options, ...(named ? [] : DEFAULT_SOURCE)];
}
