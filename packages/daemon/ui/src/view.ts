// What every page of the console is: it builds itself into <main> when navigated to, and
// refreshes its data (only its data regions) when the live stream says something changed.
import type { LiveEventName } from '../../src/console/api-types.js';

export interface View {
  /** The page title (document title and the <h1>). */
  readonly title: string;
  mount(main: HTMLElement, params: URLSearchParams): Promise<void>;
  /** Called on live events; the view decides whether the event concerns it. */
  refresh(event: LiveEventName): Promise<void>;
}

/** `#/flag?key=x&set=y` → `['flag', params]`. */
export function parseRoute(hash: string): { name: string; params: URLSearchParams } {
  const path = hash.replace(/^#\/?/, '');
  const q = path.indexOf('?');
  const name = (q === -1 ? path : path.slice(0, q)) || 'flags';
  return { name, params: new URLSearchParams(q === -1 ? '' : path.slice(q + 1)) };
}

export function flagHref(key: string, set: string | undefined, page = 'flag'): string {
  const q = new URLSearchParams({ key });
  if (set !== undefined) q.set('set', set);
  return `#/${page}?${q}`;
}
