// The console's API as typed functions (paths relative to /ui/, so a reverse proxy can mount the
// console under any prefix).
import type {
  ApiAuditEntry,
  ApiFlagHistory,
  ApiHealth,
  ApiUsage,
  ConsoleOverview,
  ExplainRequest,
  ExplainResponse,
  FlagDetail,
  LiveEventName,
} from '../../src/console/api-types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`api/${path}`, { headers: { accept: 'application/json' }, ...init });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new ApiError(response.status, body.error ?? `${response.status} ${response.statusText}`);
  return body as T;
}

const flagQuery = (key: string, set: string | undefined) => {
  const q = new URLSearchParams({ key });
  if (set !== undefined) q.set('set', set);
  return q.toString();
};

export const api = {
  overview: () => call<ConsoleOverview>('overview'),
  flag: (key: string, set: string | undefined) => call<FlagDetail>(`flag?${flagQuery(key, set)}`),
  history: (key: string, set: string | undefined) =>
    call<ApiFlagHistory>(`flag/history?${flagQuery(key, set)}`),
  generations: () => call<{ entries: ApiAuditEntry[] }>('generations'),
  health: () => call<ApiHealth>('health'),
  usage: () => call<ApiUsage>('usage'),
  explain: (request: ExplainRequest) =>
    call<ExplainResponse>('explain', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
    }),
};

/** Follows the live event stream; `onState` hears whether it is connected. */
export function liveEvents(
  onEvent: (name: LiveEventName, data: unknown) => void,
  onState: (connected: boolean) => void,
): EventSource {
  const source = new EventSource('api/events');
  source.onopen = () => onState(true);
  source.onerror = () => onState(false);
  for (const name of ['generation', 'audit', 'health', 'usage'] as const) {
    source.addEventListener(name, (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        data = undefined;
      }
      onEvent(name, data);
    });
  }
  return source;
}
