// The console's entry point: the page shell (header with the generation and health, navigation),
// a hash router over the views, and the live event stream that makes every open page follow
// the daemon without reloading.
import type { LiveEventName } from '../../src/console/api-types.js';
import { api, liveEvents } from './api.js';
import { h, region } from './dom.js';
import { CatalogView } from './views/catalog.js';
import { FlagView } from './views/flag.js';
import { GenerationsView } from './views/generations.js';
import { HealthView } from './views/health.js';
import { PlaygroundView } from './views/playground.js';
import { UsageView } from './views/usage.js';
import { parseRoute, type View } from './view.js';

const PAGES: readonly { name: string; label: string; make: () => View }[] = [
  { name: 'flags', label: 'Flags', make: () => new CatalogView() },
  { name: 'playground', label: 'Playground', make: () => new PlaygroundView() },
  { name: 'generations', label: 'Generations', make: () => new GenerationsView() },
  { name: 'health', label: 'Health', make: () => new HealthView() },
  { name: 'usage', label: 'Usage', make: () => new UsageView() },
];

const status = h('span', { class: 'status', 'aria-live': 'polite' });
const live = h('span', { class: 'live', title: 'Live updates' }, 'connecting…');
const announcer = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
const nav = h('nav', { 'aria-label': 'Console' });
const main = h('main', { id: 'main', tabindex: '-1' });
let current: { name: string; view: View } | undefined;

function renderNav(active: string): void {
  region(
    nav,
    h(
      'ul',
      null,
      PAGES.map((p) =>
        h(
          'li',
          null,
          h(
            'a',
            {
              href: `#/${p.name}`,
              'aria-current': p.name === active ? 'page' : undefined,
              'data-focus': `nav-${p.name}`,
            },
            p.label,
          ),
        ),
      ),
    ),
  );
}

async function renderStatus(): Promise<void> {
  try {
    const overview = await api.overview();
    region(
      status,
      h('span', { class: `pill pill-${overview.status}` }, overview.status),
      ' ',
      h('span', { class: 'generation' }, `generation ${overview.generation}`),
    );
  } catch (error) {
    region(status, h('span', { class: 'pill pill-unavailable' }, (error as Error).message));
  }
}

async function route(): Promise<void> {
  const { name, params } = parseRoute(location.hash);
  const page =
    name === 'flag'
      ? { name: 'flag', make: () => new FlagView() }
      : PAGES.find((p) => p.name === name);
  if (page === undefined) {
    location.hash = '#/flags';
    return;
  }
  renderNav(name === 'flag' ? 'flags' : name);
  const view = page.make();
  current = { name, view };
  region(main);
  await view.mount(main, params);
  document.title = `${view.title} · Switchyard`;
}

let pending: Set<LiveEventName> | undefined;

/** Coalesces a burst of events (a generation and its audit entry) into one refresh per kind. */
function onEvent(name: LiveEventName, data: unknown): void {
  const published = (data as { generation?: number } | undefined)?.generation;
  if (name === 'generation' && published !== undefined) {
    announcer.textContent = `Generation ${published} published`;
  }
  if (pending !== undefined) {
    pending.add(name);
    return;
  }
  pending = new Set([name]);
  setTimeout(() => {
    const events = pending ?? new Set<LiveEventName>();
    pending = undefined;
    if (events.has('generation') || events.has('health')) void renderStatus();
    for (const event of events) void current?.view.refresh(event);
  }, 50);
}

function start(): void {
  const skip = h(
    'a',
    {
      class: 'skip',
      href: '#main',
      onclick: (e: Event) => {
        e.preventDefault();
        main.focus();
      },
    },
    'Skip to content',
  );
  const header = h(
    'header',
    null,
    h(
      'a',
      { class: 'brand', href: '#/flags' },
      h('span', { 'aria-hidden': 'true' }, '⇄ '),
      'Switchyard',
    ),
    h('div', { class: 'meta' }, status, live),
  );
  document.body.replaceChildren(skip, header, nav, main, announcer);
  window.addEventListener('hashchange', () => void route());
  liveEvents(onEvent, (connected) => {
    live.textContent = connected ? 'live' : 'reconnecting…';
    live.classList.toggle('on', connected);
    if (connected) onEvent('generation', undefined);
  });
  void renderStatus();
  void route();
}

start();
