// Source health: what /readyz reports, per source, with every unusable entry (its error names
// file:line:col) and the flags served with a rule error (each with its diagnostic).
import type { ApiHealth, LiveEventName } from '../../../src/console/api-types.js';
import { api } from '../api.js';
import { h, region } from '../dom.js';
import { ago, when } from '../format.js';
import type { View } from '../view.js';

function render(health: ApiHealth): HTMLElement[] {
  return [
    h(
      'p',
      null,
      'Status: ',
      h('span', { class: `pill pill-${health.status}` }, health.status),
      ` · generation ${health.generation}`,
      health.ready ? '' : ' · not ready',
    ),
    h(
      'ul',
      { class: 'sources' },
      health.sources.map((s) =>
        h(
          'li',
          { class: `source source-${s.status}` },
          h('h2', null, s.source, ' ', h('span', { class: `pill pill-${s.status}` }, s.status)),
          h(
            'p',
            { class: 'muted small' },
            `${s.flags} flags`,
            s.generation === undefined ? '' : ` · since generation ${s.generation}`,
          ),
          s.problems.length === 0
            ? h('p', null, 'Every entry is usable.')
            : h(
                'ul',
                { class: 'problems' },
                s.problems.map((p) =>
                  h(
                    'li',
                    null,
                    h('span', { class: 'badge badge-error' }, p.code),
                    ' ',
                    h('code', { class: 'message' }, p.message),
                    h(
                      'div',
                      { class: 'muted small' },
                      `${p.entry} · since `,
                      h('time', { datetime: p.since, title: when(p.since) }, ago(p.since)),
                    ),
                  ),
                ),
              ),
          s.moreProblems ? h('p', { class: 'muted' }, `and ${s.moreProblems} more`) : null,
        ),
      ),
    ),
    health.ruleErrors && health.ruleErrors.length > 0
      ? h(
          'section',
          null,
          h('h2', null, 'Flags served with a rule error'),
          h(
            'ul',
            { class: 'problems' },
            health.ruleErrors.map((r) =>
              h(
                'li',
                null,
                h('strong', null, r.key),
                ': ',
                h('code', { class: 'message' }, r.message),
              ),
            ),
          ),
        )
      : null,
  ].filter((e): e is HTMLElement => e !== null);
}

export class HealthView implements View {
  readonly title = 'Health';
  private readonly body = h('div');

  async mount(main: HTMLElement): Promise<void> {
    main.append(h('h1', null, 'Source health'), this.body);
    await this.refresh('health');
  }

  async refresh(event: LiveEventName): Promise<void> {
    if (event === 'usage' || event === 'audit') return;
    region(this.body, ...render(await api.health()));
  }
}
