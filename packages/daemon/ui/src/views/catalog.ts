// The catalog: every served flag, searchable and filterable by flag set, owner, state,
// lifecycle, staleness and file. The filter bar is built once (typing is never interrupted by a
// live update); the table and the count are the regions a refresh replaces.
import type {
  CatalogFlag,
  ConsoleOverview,
  LiveEventName,
} from '../../../src/console/api-types.js';
import { api } from '../api.js';
import { h, options, region } from '../dom.js';
import { ago, count } from '../format.js';
import { flagHref, type View } from '../view.js';

interface Filters {
  q: string;
  set: string;
  owner: string;
  state: string;
  lifecycle: string;
  stale: string;
  file: string;
}

const FILTERS: readonly { key: Exclude<keyof Filters, 'q'>; label: string }[] = [
  { key: 'set', label: 'Flag set' },
  { key: 'owner', label: 'Owner' },
  { key: 'state', label: 'State' },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'stale', label: 'Staleness' },
  { key: 'file', label: 'File' },
];

function valuesOf(flags: readonly CatalogFlag[], key: Exclude<keyof Filters, 'q'>): string[] {
  switch (key) {
    case 'set':
      return flags.map((f) => f.flagSetId ?? '(none)');
    case 'owner':
      return flags.map((f) => f.owner ?? '(none)');
    case 'state':
      return flags.map((f) => f.state);
    case 'lifecycle':
      return flags.map((f) => f.lifecycle);
    case 'stale':
      return ['stale', 'not stale', ...flags.flatMap((f) => f.stale.map((s) => s.reason))];
    case 'file':
      return flags.map((f) => f.file ?? f.source);
  }
}

function matches(flag: CatalogFlag, f: Filters): boolean {
  const q = f.q.trim().toLowerCase();
  if (q !== '') {
    const haystack = [
      flag.key,
      flag.description,
      flag.owner,
      flag.flagSetId,
      flag.file,
      flag.defaultVariant,
    ]
      .filter((s) => s !== undefined && s !== null)
      .join(' ')
      .toLowerCase();
    if (!q.split(/\s+/).every((word) => haystack.includes(word))) return false;
  }
  if (f.set !== '' && (flag.flagSetId ?? '(none)') !== f.set) return false;
  if (f.owner !== '' && (flag.owner ?? '(none)') !== f.owner) return false;
  if (f.state !== '' && flag.state !== f.state) return false;
  if (f.lifecycle !== '' && flag.lifecycle !== f.lifecycle) return false;
  if (f.file !== '' && (flag.file ?? flag.source) !== f.file) return false;
  if (f.stale === 'stale' && flag.stale.length === 0) return false;
  if (f.stale === 'not stale' && flag.stale.length > 0) return false;
  if (
    f.stale !== '' &&
    f.stale !== 'stale' &&
    f.stale !== 'not stale' &&
    !flag.stale.some((s) => s.reason === f.stale)
  )
    return false;
  return true;
}

function row(flag: CatalogFlag): HTMLTableRowElement {
  const id = `${flag.flagSetId ?? ''}/${flag.key}`;
  return h(
    'tr',
    { 'data-key': flag.key },
    h(
      'th',
      { scope: 'row', 'data-label': 'Flag' },
      h('a', { href: flagHref(flag.key, flag.flagSetId), 'data-focus': `flag-${id}` }, flag.key),
      flag.description ? h('div', { class: 'muted small' }, flag.description) : null,
      flag.incident
        ? h('div', { class: 'badge badge-incident' }, `incident: ${flag.incident}`)
        : null,
      flag.ruleError ? h('div', { class: 'badge badge-error' }, 'rule error') : null,
    ),
    h('td', { 'data-label': 'Set' }, flag.flagSetId ?? h('span', { class: 'muted' }, '—')),
    h(
      'td',
      { 'data-label': 'Owner', class: 'owner' },
      flag.owner ?? h('span', { class: 'muted' }, 'none'),
    ),
    h(
      'td',
      { 'data-label': 'State' },
      h('span', { class: `badge badge-${flag.state.toLowerCase()}` }, flag.state),
    ),
    h(
      'td',
      { 'data-label': 'Default' },
      flag.defaultVariant === null
        ? h('span', { class: 'muted' }, 'code default')
        : h('code', null, flag.defaultVariant),
    ),
    h('td', { 'data-label': 'Lifecycle' }, flag.lifecycle),
    h(
      'td',
      { 'data-label': 'Stale' },
      flag.stale.length === 0
        ? h('span', { class: 'muted' }, '—')
        : flag.stale.map((s) =>
            h('span', { class: 'badge badge-stale', title: s.message }, s.reason),
          ),
    ),
    h(
      'td',
      { 'data-label': 'Evaluations', class: 'num' },
      count(flag.evaluations),
      h('div', { class: 'muted small' }, flag.lastSeen ? `seen ${ago(flag.lastSeen)}` : 'not seen'),
    ),
    h(
      'td',
      { 'data-label': 'File', class: 'file' },
      flag.file ? `${flag.file}:${flag.line}` : flag.source,
    ),
  );
}

export class CatalogView implements View {
  readonly title = 'Flags';
  private readonly filters: Filters = {
    q: '',
    set: '',
    owner: '',
    state: '',
    lifecycle: '',
    stale: '',
    file: '',
  };
  private overview: ConsoleOverview | undefined;
  private readonly selects = new Map<string, HTMLSelectElement>();
  private readonly summary = h('p', {
    class: 'summary',
    'aria-live': 'polite',
    id: 'catalog-count',
  });
  private readonly table = h('div', { class: 'table-wrap' });

  async mount(main: HTMLElement, params: URLSearchParams): Promise<void> {
    this.filters.q = params.get('q') ?? '';
    const search = h('input', {
      type: 'search',
      id: 'search',
      value: this.filters.q,
      placeholder: 'key, owner, description…',
      autocomplete: 'off',
      'aria-describedby': 'catalog-count',
      oninput: (e: Event) => {
        this.filters.q = (e.target as HTMLInputElement).value;
        this.render();
      },
    });
    const bar = h(
      'div',
      { class: 'filters', role: 'search' },
      h('div', { class: 'field field-search' }, h('label', { for: 'search' }, 'Search'), search),
    );
    for (const { key, label } of FILTERS) {
      const select = h('select', {
        id: `filter-${key}`,
        onchange: (e: Event) => {
          this.filters[key] = (e.target as HTMLSelectElement).value;
          this.render();
        },
      });
      this.selects.set(key, select);
      bar.append(h('div', { class: 'field' }, h('label', { for: `filter-${key}` }, label), select));
    }
    main.append(h('h1', null, 'Flags'), bar, this.summary, this.table);
    await this.refresh('generation');
  }

  async refresh(event: LiveEventName): Promise<void> {
    if (event === 'audit') return;
    this.overview = await api.overview();
    for (const { key } of FILTERS) {
      const select = this.selects.get(key);
      if (select) region(select, options(valuesOf(this.overview.flags, key), this.filters[key]));
    }
    this.render();
  }

  private render(): void {
    const flags = this.overview?.flags ?? [];
    const shown = flags.filter((f) => matches(f, this.filters));
    region(
      this.summary,
      `${shown.length} of ${flags.length} flags`,
      this.overview ? ` · generation ${this.overview.generation}` : '',
    );
    if (shown.length === 0) {
      region(
        this.table,
        h(
          'p',
          { class: 'empty' },
          flags.length === 0 ? 'No flags are served yet.' : 'No flag matches these filters.',
        ),
      );
      return;
    }
    const head = [
      'Flag',
      'Set',
      'Owner',
      'State',
      'Default',
      'Lifecycle',
      'Stale',
      'Evaluations',
      'File',
    ];
    region(
      this.table,
      h(
        'table',
        { class: 'catalog' },
        h('caption', { class: 'visually-hidden' }, 'Served flags'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            head.map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h('tbody', null, shown.map(row)),
      ),
    );
  }
}
