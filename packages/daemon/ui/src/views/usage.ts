// Flag usage as providers report it: evaluations per flag (most recently seen first), first and
// last seen, and each flag's variants as a bar.
import type { ApiFlagUsage, LiveEventName } from '../../../src/console/api-types.js';
import { api } from '../api.js';
import { h, region } from '../dom.js';
import { ago, count, percent, when } from '../format.js';
import { flagHref, type View } from '../view.js';

function variants(u: ApiFlagUsage): HTMLElement {
  const byVariant = new Map<string, number>();
  for (const c of u.counts) byVariant.set(c.variant, (byVariant.get(c.variant) ?? 0) + c.count);
  const parts = [...byVariant].sort((a, b) => b[1] - a[1]);
  const label = parts.map(([v, n]) => `${v || 'default'} ${percent(n, u.evaluations)}`).join(', ');
  return h(
    'div',
    null,
    h(
      'div',
      { class: 'bar small-bar', role: 'img', 'aria-label': label },
      parts.map(([v, n], i) =>
        h('span', {
          class: `seg c${i % 8}`,
          style: { 'flex-grow': String(n) },
          title: `${v || 'default'}: ${percent(n, u.evaluations)}`,
        }),
      ),
    ),
    h('div', { class: 'muted small' }, label),
  );
}

export class UsageView implements View {
  readonly title = 'Usage';
  private readonly body = h('div');

  async mount(main: HTMLElement): Promise<void> {
    main.append(h('h1', null, 'Usage'), this.body);
    await this.refresh('usage');
  }

  async refresh(event: LiveEventName): Promise<void> {
    if (event !== 'usage' && event !== 'generation') return;
    const usage = await api.usage();
    region(
      this.body,
      h(
        'p',
        { class: 'lead' },
        'Evaluations reported by providers, recorded since ',
        h('time', { datetime: usage.since }, when(usage.since)),
        ` (${ago(usage.since)})`,
        usage.dropped > 0 ? ` (${count(usage.dropped)} not kept: a bound was reached)` : '',
        '.',
      ),
      usage.flags.length === 0
        ? h(
            'p',
            { class: 'muted' },
            'No provider has reported yet. Providers report when started with reportUsage: true (FLAGD_REPORT_USAGE=true).',
          )
        : h(
            'table',
            { class: 'usage' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Flag', 'Evaluations', 'Variants', 'Last seen', 'First seen'].map((c) =>
                  h('th', { scope: 'col' }, c),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              usage.flags.map((u) =>
                h(
                  'tr',
                  null,
                  h(
                    'th',
                    { scope: 'row', 'data-label': 'Flag' },
                    h('a', { href: flagHref(u.key, u.flagSetId) }, u.key),
                    u.flagSetId ? h('span', { class: 'muted' }, ` (${u.flagSetId})`) : null,
                  ),
                  h('td', { class: 'num', 'data-label': 'Evaluations' }, count(u.evaluations)),
                  h('td', { 'data-label': 'Variants' }, variants(u)),
                  h(
                    'td',
                    { 'data-label': 'Last seen' },
                    h('time', { datetime: u.lastSeen, title: when(u.lastSeen) }, ago(u.lastSeen)),
                  ),
                  h(
                    'td',
                    { 'data-label': 'First seen' },
                    h(
                      'time',
                      { datetime: u.firstSeen, title: when(u.firstSeen) },
                      ago(u.firstSeen),
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
  }
}
