// `set --daemon URL`: waits until a running daemon serves the edited flag as it now is, by asking
// its console API (GET /ui/api/flag on the management port) every 100 ms, up to the timeout. The
// answer names the generation that serves it, which the audit trail (GET /audit) ties to the
// commit.
import type { FlagDefinition } from '../engine-types.js';
import { daemonBase } from '../stale/usage-input.js';
import type { FlagEditRequest } from './flag-edit.js';

export interface Served {
  readonly ok: boolean;
  readonly message: string;
}

interface ServedFlag {
  readonly generation?: number;
  readonly state?: string;
  readonly defaultVariant?: string | null;
}

async function ask(url: string): Promise<ServedFlag | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (response.status === 404) return 'the daemon does not serve the flag';
    if (!response.ok) return `the daemon answered ${response.status}`;
    return (await response.json()) as ServedFlag;
  } catch (error) {
    return `cannot reach the daemon: ${(error as Error).message}`;
  }
}

export async function waitUntilServed(input: {
  readonly daemon: string;
  readonly flag: FlagDefinition;
  readonly request: FlagEditRequest;
  readonly timeoutMs: number;
}): Promise<Served> {
  const { flag, request } = input;
  const base = daemonBase(input.daemon);
  const query = new URLSearchParams({ key: flag.key });
  if (flag.flagSetId !== undefined) query.set('set', flag.flagSetId);
  const url = `${base}/ui/api/flag?${query}`;
  const started = Date.now();
  let last = 'no answer yet';
  for (;;) {
    const answer = await ask(url);
    if (typeof answer === 'string') last = answer;
    else if (
      (request.state === undefined || answer.state === request.state) &&
      (request.variant === undefined || answer.defaultVariant === request.variant)
    ) {
      const ms = Date.now() - started;
      return {
        ok: true,
        message: `served by ${base} in generation ${answer.generation} (${ms} ms)`,
      };
    } else
      last = `it still serves state ${answer.state}, defaultVariant "${answer.defaultVariant ?? ''}"`;
    if (Date.now() - started >= input.timeoutMs) {
      return {
        ok: false,
        message: `switchyard: not served by ${base} within ${input.timeoutMs} ms: ${last}`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
