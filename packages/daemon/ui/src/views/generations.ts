// The generations timeline: every published generation (the audit trail's recent entries),
// newest first, with what it changed per flag (before → after) and the git commit and author
// of its sources.
import type {
  ApiAuditEntry,
  ApiFlagAudit,
  ApiFlagSummary,
  LiveEventName,
} from '../../../src/console/api-types.js';
import { api } from '../api.js';
import { h, region } from '../dom.js';
import { ago, when } from '../format.js';
import { flagHref, type View } from '../view.js';

function summary(s: ApiFlagSummary | undefined): string {
  if (s === undefined) return '';
  return `${s.state}, default ${s.defaultVariant ?? 'none'}${s.targeting ? ', targeted' : ''}`;
}

function change(kind: string, f: ApiFlagAudit): HTMLElement {
  const mark = kind === 'added' ? '+' : kind === 'removed' ? '−' : '~';
  const detail =
    kind === 'changed'
      ? `${(f.fields ?? []).join(', ')}: ${summary(f.before)} → ${summary(f.after)}`
      : summary(f.after ?? f.before);
  return h(
    'li',
    { class: `change change-${kind}` },
    h('span', { class: 'mark', 'aria-label': kind }, mark),
    ' ',
    kind === 'removed'
      ? h('code', null, f.key)
      : h('a', { href: flagHref(f.key, f.flagSetId) }, f.key),
    f.flagSetId ? h('span', { class: 'muted' }, ` (${f.flagSetId})`) : null,
    h('span', { class: 'muted' }, ` ${detail}`),
    f.after?.incident
      ? h('span', { class: 'badge badge-incident' }, `incident: ${f.after.incident}`)
      : null,
  );
}

function entry(e: ApiAuditEntry): HTMLElement {
  const changes = [
    ...e.added.map((f) => change('added', f)),
    ...e.changed.map((f) => change('changed', f)),
    ...e.removed.map((f) => change('removed', f)),
  ];
  return h(
    'li',
    { class: 'generation-entry', 'data-generation': String(e.generation) },
    h('h2', null, `Generation ${e.generation}`),
    h(
      'p',
      { class: 'muted small' },
      h('time', { datetime: e.time, title: when(e.time) }, ago(e.time)),
      ` · ${e.flags} flags · ${e.sources.join(', ')} · `,
      h('code', null, e.hash.slice(0, 19)),
    ),
    e.git.map((g) =>
      h(
        'p',
        { class: 'small' },
        g.commit
          ? [
              h('code', null, g.commit.sha.slice(0, 10)),
              ` by ${g.commit.author} `,
              h('span', { class: 'muted' }, ago(g.commit.time)),
            ]
          : h('code', null, g.head.slice(0, 10)),
        g.dirty ? [' ', h('span', { class: 'badge badge-stale' }, 'uncommitted changes')] : null,
        h('span', { class: 'muted' }, ` · ${g.source}`),
      ),
    ),
    changes.length === 0
      ? h('p', { class: 'muted' }, 'No flag changed.')
      : h('ul', { class: 'changes' }, changes),
  );
}

export class GenerationsView implements View {
  readonly title = 'Generations';
  private readonly list = h('div');

  async mount(main: HTMLElement): Promise<void> {
    main.append(
      h('h1', null, 'Generations'),
      h(
        'p',
        { class: 'lead' },
        'Every published generation, newest first, with its changes and the commit it came from.',
      ),
      this.list,
    );
    await this.refresh('audit');
  }

  async refresh(event: LiveEventName): Promise<void> {
    if (event !== 'audit' && event !== 'generation') return;
    const { entries } = await api.generations();
    region(
      this.list,
      entries.length === 0
        ? h('p', { class: 'muted' }, 'No generation has been recorded yet.')
        : h('ol', { class: 'timeline', reversed: true }, entries.map(entry)),
    );
  }
}
