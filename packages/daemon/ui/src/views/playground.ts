// The explain playground: pick a flag, type an evaluation context, and see the variant the
// daemon's engine gives it and why — every operator visited, its operands and result, and for a
// split the bucketing value, hash and bucket. It re-evaluates by itself when a new generation is
// published, so an edit of the flag file shows here at once.
import type {
  ApiTraceNode,
  ConsoleOverview,
  ExplainResponse,
  LiveEventName,
} from '../../../src/console/api-types.js';
import { api } from '../api.js';
import { h, region } from '../dom.js';
import { json } from '../format.js';
import type { View } from '../view.js';

const EXAMPLE = '{\n  "targetingKey": "user-42"\n}';

function traceNode(node: ApiTraceNode): HTMLElement {
  const args = node.op === 'literal' ? '' : `(${(node.args ?? []).map(json).join(', ')})`;
  const detail = node.detail;
  return h(
    'li',
    null,
    h('code', null, `${node.op}${args}`),
    ' → ',
    h('code', { class: 'result' }, json(node.result)),
    h('span', { class: 'muted small' }, `  @ ${node.path}`),
    detail && node.op === 'fractional'
      ? h(
          'div',
          { class: 'small' },
          `bucketing value ${json(detail.bucketingValue)}, murmur3 hash ${String(detail.hash)} → bucket ${String(detail.bucket)} of ${String(detail.totalWeight)}`,
        )
      : null,
    node.children && node.children.length > 0 ? h('ul', null, node.children.map(traceNode)) : null,
  );
}

function resultView(answer: ExplainResponse): HTMLElement[] {
  const r = answer.result;
  return [
    h(
      'dl',
      { class: 'facts result-facts' },
      h('dt', null, 'Variant'),
      h('dd', { id: 'result-variant' }, r.variant ?? h('span', { class: 'muted' }, '(none)')),
      h('dt', null, 'Value'),
      h(
        'dd',
        { id: 'result-value' },
        h('code', null, r.value === undefined ? "(the caller's default)" : json(r.value)),
      ),
      h('dt', null, 'Reason'),
      h('dd', { id: 'result-reason' }, r.reason),
      r.errorCode ? h('dt', null, 'Error') : null,
      r.errorCode
        ? h(
            'dd',
            { class: 'error' },
            `${r.errorCode}${r.errorMessage ? `: ${r.errorMessage}` : ''}`,
          )
        : null,
      h('dt', null, 'Generation'),
      h('dd', null, String(answer.generation)),
    ),
    h('p', { class: 'why' }, h('strong', null, 'Why: '), answer.trace.why),
    answer.trace.rule
      ? h(
          'div',
          null,
          h('h2', null, 'Trace'),
          h('ul', { class: 'trace' }, traceNode(answer.trace.rule)),
        )
      : h('p', { class: 'muted' }, 'No targeting rule ran.'),
  ];
}

export class PlaygroundView implements View {
  readonly title = 'Playground';
  private readonly select = h('select', { id: 'pg-flag', required: true });
  private readonly context = h(
    'textarea',
    { id: 'pg-context', rows: '8', spellcheck: 'false', 'aria-describedby': 'pg-hint' },
    EXAMPLE,
  );
  private readonly output = h('div', {
    class: 'pg-output',
    'aria-live': 'polite',
    id: 'pg-output',
  });
  private overview: ConsoleOverview | undefined;
  private wanted: { key: string; set: string | undefined } | undefined;
  private evaluated = false;

  async mount(main: HTMLElement, params: URLSearchParams): Promise<void> {
    const key = params.get('key');
    if (key !== null) this.wanted = { key, set: params.get('set') ?? undefined };
    const form = h(
      'form',
      {
        class: 'playground',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void this.run();
        },
      },
      h('div', { class: 'field' }, h('label', { for: 'pg-flag' }, 'Flag'), this.select),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'pg-context' }, 'Evaluation context (JSON)'),
        this.context,
        h(
          'p',
          { id: 'pg-hint', class: 'muted small' },
          'targetingKey is what splits bucket on. Ctrl+Enter evaluates.',
        ),
      ),
      h('button', { type: 'submit', id: 'pg-run' }, 'Evaluate'),
    );
    this.context.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.run();
      }
    });
    main.append(
      h('h1', null, 'Playground'),
      h(
        'p',
        { class: 'lead' },
        'Evaluated by the daemon with the same engine and flags it serves.',
      ),
      form,
      this.output,
    );
    await this.refresh('generation');
  }

  async refresh(event: LiveEventName): Promise<void> {
    if (event !== 'generation') return;
    this.overview = await api.overview();
    const current =
      this.select.value || (this.wanted ? `${this.wanted.set ?? ''}\u0000${this.wanted.key}` : '');
    region(
      this.select,
      this.overview.flags.map((f) => {
        const value = `${f.flagSetId ?? ''}\u0000${f.key}`;
        return h(
          'option',
          { value, selected: value === current },
          f.flagSetId ? `${f.key} (${f.flagSetId})` : f.key,
        );
      }),
    );
    if (this.evaluated || this.wanted) await this.run();
  }

  private async run(): Promise<void> {
    const [set, key] = this.select.value.split('\u0000') as [string, string];
    let context: unknown;
    try {
      context = JSON.parse(this.context.value || '{}');
    } catch (error) {
      region(
        this.output,
        h(
          'p',
          { class: 'error', role: 'alert' },
          `The context is not JSON: ${(error as Error).message}`,
        ),
      );
      return;
    }
    if (typeof context !== 'object' || context === null || Array.isArray(context)) {
      region(
        this.output,
        h('p', { class: 'error', role: 'alert' }, 'The context must be a JSON object.'),
      );
      return;
    }
    try {
      const answer = await api.explain({
        key,
        ...(set === '' ? {} : { flagSetId: set }),
        context: context as Record<string, never>,
      });
      this.evaluated = true;
      region(this.output, ...resultView(answer));
    } catch (error) {
      region(this.output, h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  }
}
