// A flag's page: what it serves (variants, the rule in words, fractional splits as bars), where
// it is defined (file:line and its git history), how it is used (counts by variant and reason)
// and what happened to it (the audit entries of the generations that changed it).
import type {
  ApiFlagHistory,
  ApiSplit,
  FlagDetail,
  LiveEventName,
} from '../../../src/console/api-types.js';
import { api } from '../api.js';
import { h, region } from '../dom.js';
import { ago, count, json, percent, when } from '../format.js';
import { ruleLines } from '../rule-text.js';
import { flagHref, type View } from '../view.js';

const COLORS = 8;

function splitBar(split: ApiSplit): HTMLElement {
  const total = split.buckets.reduce((sum, b) => sum + b.weight, 0);
  const label = split.buckets.map((b) => `${b.variant} ${percent(b.weight, total)}`).join(', ');
  return h(
    'figure',
    { class: 'split' },
    h(
      'div',
      { class: 'bar', role: 'img', 'aria-label': `Split at ${split.path}: ${label}` },
      split.buckets.map((b, i) =>
        h('span', {
          class: `seg c${i % COLORS}`,
          style: { 'flex-grow': String(Math.max(b.weight, 0)) },
          title: `${b.variant}: ${percent(b.weight, total)}`,
        }),
      ),
    ),
    h(
      'figcaption',
      null,
      h(
        'ul',
        { class: 'legend' },
        split.buckets.map((b, i) =>
          h(
            'li',
            null,
            h('span', { class: `swatch c${i % COLORS}`, 'aria-hidden': 'true' }),
            h('code', null, b.variant),
            ` ${percent(b.weight, total)}`,
            h('span', { class: 'muted' }, ` (weight ${b.weight})`),
          ),
        ),
      ),
      h(
        'div',
        { class: 'muted small' },
        `at ${split.path}`,
        split.bucketBy === undefined
          ? ', by flagKey + targetingKey'
          : `, by ${json(split.bucketBy)}`,
      ),
    ),
  );
}

function ruleSection(flag: FlagDetail): HTMLElement {
  if (flag.rule === undefined) {
    return h(
      'section',
      null,
      h('h2', null, 'Targeting'),
      h(
        'p',
        null,
        'No targeting: every evaluation gets the default variant',
        flag.defaultVariant === null
          ? " (none: the caller's default)."
          : ` "${flag.defaultVariant}".`,
      ),
    );
  }
  return h(
    'section',
    null,
    h('h2', null, 'Targeting'),
    h(
      'ol',
      { class: 'rule', 'aria-label': 'The targeting rule in words' },
      ruleLines(flag.rule).map((l) =>
        h('li', { class: `rule-${l.kind}`, style: { '--depth': String(l.depth) } }, l.text),
      ),
    ),
    flag.splits.length > 0 ? h('h3', null, 'Splits') : null,
    flag.splits.map(splitBar),
    h(
      'details',
      null,
      h('summary', null, 'The rule as JSON'),
      h('pre', null, JSON.stringify(flag.rule, null, 2)),
    ),
  );
}

function usageSection(flag: FlagDetail): HTMLElement {
  const usage = flag.usage;
  if (usage === undefined)
    return h(
      'section',
      null,
      h('h2', null, 'Usage'),
      h('p', { class: 'muted' }, 'No provider has reported an evaluation of this flag.'),
    );
  return h(
    'section',
    null,
    h('h2', null, 'Usage'),
    h(
      'p',
      null,
      `${count(usage.evaluations)} evaluations, first ${ago(usage.firstSeen)}, last ${ago(usage.lastSeen)}.`,
    ),
    h(
      'table',
      { class: 'compact' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Variant', 'Reason', 'Count', 'Share'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        usage.counts.map((c) =>
          h(
            'tr',
            null,
            h(
              'td',
              null,
              c.variant === ''
                ? h('span', { class: 'muted' }, 'caller default')
                : h('code', null, c.variant),
            ),
            h('td', null, c.reason),
            h('td', { class: 'num' }, count(c.count)),
            h('td', { class: 'num' }, percent(c.count, usage.evaluations)),
          ),
        ),
      ),
    ),
  );
}

function auditSection(flag: FlagDetail): HTMLElement {
  return h(
    'section',
    null,
    h('h2', null, 'Audit'),
    flag.audit.length === 0
      ? h('p', { class: 'muted' }, 'No recent generation changed this flag.')
      : h(
          'ul',
          { class: 'events' },
          flag.audit.map((a) => {
            const commit = a.git.find((g) => g.commit !== undefined)?.commit;
            const fields = a.change.fields?.join(', ');
            const after = a.change.after;
            return h(
              'li',
              null,
              h('a', { href: `#/generations`, class: 'gen' }, `generation ${a.generation}`),
              ` · ${a.kind}${fields ? ` (${fields})` : ''}`,
              after
                ? h('span', null, ` · ${after.state}, default ${after.defaultVariant ?? 'none'}`)
                : null,
              after?.incident
                ? h('span', { class: 'badge badge-incident' }, `incident: ${after.incident}`)
                : null,
              h(
                'div',
                { class: 'muted small' },
                h('time', { datetime: a.time, title: when(a.time) }, ago(a.time)),
                commit ? ` · ${commit.sha.slice(0, 10)} by ${commit.author}` : '',
              ),
            );
          }),
        ),
  );
}

function historyList(history: ApiFlagHistory): HTMLElement {
  const changes = history.commits.filter((c) => c.change !== 'unchanged');
  if (history.repository === undefined)
    return h('p', { class: 'muted' }, 'The file is not in a git work tree.');
  if (changes.length === 0)
    return h(
      'p',
      { class: 'muted' },
      `No change of this flag in the last ${history.commits.length} commits of ${history.path}.`,
    );
  return h(
    'ul',
    { class: 'events' },
    changes.map((c) =>
      h(
        'li',
        null,
        h('code', null, c.sha.slice(0, 10)),
        ` ${c.subject} `,
        h('span', { class: `badge badge-${c.change}` }, c.change),
        h(
          'div',
          { class: 'muted small' },
          `${c.author} · `,
          h('time', { datetime: c.time, title: when(c.time) }, ago(c.time)),
        ),
      ),
    ),
  );
}

export class FlagView implements View {
  title = 'Flag';
  private key = '';
  private set: string | undefined;
  private readonly body = h('div', { class: 'flag' });
  private readonly history = h('div', null, h('p', { class: 'muted' }, 'Reading git history…'));

  async mount(main: HTMLElement, params: URLSearchParams): Promise<void> {
    this.key = params.get('key') ?? '';
    this.set = params.get('set') ?? undefined;
    this.title = this.key;
    main.append(
      h('p', { class: 'crumbs' }, h('a', { href: '#/flags' }, 'Flags'), ' / '),
      this.body,
    );
    await this.refresh('generation');
  }

  async refresh(event: LiveEventName): Promise<void> {
    if (event === 'health') return;
    let flag: FlagDetail;
    try {
      flag = await api.flag(this.key, this.set);
    } catch (error) {
      region(
        this.body,
        h('h1', null, this.key),
        h('p', { class: 'error', role: 'alert' }, (error as Error).message),
      );
      return;
    }
    region(this.body, ...this.sections(flag));
    if (event === 'generation' || event === 'audit') void this.loadHistory();
  }

  private sections(flag: FlagDetail): (HTMLElement | null)[] {
    return [
      h(
        'h1',
        null,
        flag.key,
        ' ',
        h('span', { class: `badge badge-${flag.state.toLowerCase()}` }, flag.state),
      ),
      factsList(flag),
      flag.description ? h('p', { class: 'lead' }, flag.description) : null,
      ...banners(flag),
      variantsSection(flag),
      ruleSection(flag),
      h(
        'p',
        null,
        h(
          'a',
          { class: 'button', href: flagHref(flag.key, flag.flagSetId, 'playground') },
          'Try it in the playground',
        ),
      ),
      usageSection(flag),
      auditSection(flag),
      h('section', null, h('h2', null, 'Git history'), this.history),
      metadataSection(flag),
    ];
  }

  private async loadHistory(): Promise<void> {
    try {
      region(this.history, historyList(await api.history(this.key, this.set)));
    } catch (error) {
      region(this.history, h('p', { class: 'muted' }, (error as Error).message));
    }
  }
}

function factsList(flag: FlagDetail): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    h('dt', null, 'Flag set'),
    h('dd', null, flag.flagSetId ?? '—'),
    h('dt', null, 'Owner'),
    h('dd', null, flag.owner ?? 'none'),
    h('dt', null, 'Lifecycle'),
    h('dd', null, flag.lifecycle, flag.expires ? ` (expires ${flag.expires})` : ''),
    h('dt', null, 'Defined in'),
    h('dd', { class: 'file' }, flag.file ? `${flag.file}:${flag.line}` : flag.source),
    h('dt', null, 'Generation'),
    h('dd', { 'data-generation': String(flag.generation) }, String(flag.generation)),
  );
}

/** The incident, rule-error and staleness notices shown above the variants. */
function banners(flag: FlagDetail): (HTMLElement | null)[] {
  return [
    flag.incident
      ? h(
          'p',
          { class: 'banner banner-incident', role: 'note' },
          `Changed for an incident: ${flag.incident}`,
        )
      : null,
    flag.ruleError
      ? h(
          'p',
          { class: 'banner banner-error', role: 'alert' },
          `Served with a rule error (evaluates to PARSE_ERROR): ${flag.ruleError}`,
        )
      : null,
    flag.stale.length > 0
      ? h(
          'ul',
          { class: 'banner banner-stale' },
          flag.stale.map((s) => h('li', null, h('strong', null, s.reason), `: ${s.message}`)),
        )
      : null,
  ];
}

function variantsSection(flag: FlagDetail): HTMLElement {
  const header = h(
    'thead',
    null,
    h(
      'tr',
      null,
      ['Variant', 'Value', ''].map((c) => h('th', { scope: 'col' }, c)),
    ),
  );
  const rows = flag.variantValues.map((v) =>
    h(
      'tr',
      null,
      h('td', null, h('code', null, v.name)),
      h('td', null, h('code', null, json(v.value))),
      h('td', null, v.name === flag.defaultVariant ? h('span', { class: 'badge' }, 'default') : ''),
    ),
  );
  return h(
    'section',
    null,
    h('h2', null, 'Variants'),
    h('table', { class: 'compact variants' }, header, h('tbody', null, rows)),
  );
}

function metadataSection(flag: FlagDetail): HTMLElement | null {
  const meta = Object.entries(flag.metadata);
  if (meta.length === 0) return null;
  return h(
    'section',
    null,
    h('h2', null, 'Metadata'),
    h(
      'dl',
      { class: 'facts' },
      meta.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, String(v))]),
    ),
  );
}
