// The operator's console, served on the management port under /ui/: the browser app (built
// from packages/daemon/ui into dist/ui, served from memory) and its JSON API under /ui/api/. It
// only reads: the files stay the source of truth, and changes go through them (`switchyard set`).
// Everything it shows comes from the daemon's own state — the store's current generation, the
// health report, the audit trail, the usage store — plus, on the flag page, the flag's git
// history. Its routes pass the management server's one guard like every non-probe route.
import type { ServerResponse } from 'node:http';
import {
  type AuditView,
  DEFAULT_RULES,
  flagHistory,
  type FlagHistory,
  type ProjectConfig,
  resolveConfig,
} from '@switchyard/gitops';
import { performance } from 'node:perf_hooks';
import { type Diagnostic, ERROR_CODES, formatDiagnostic, SwitchyardError } from '../engine.js';
import { FlagNotServedError } from '../errors/flag-not-served-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { HealthReport } from '../health/health-report.js';
import type { Logger } from '../logger.js';
import { type ManagementRequest, type ManagementRoute, sendJson } from '../management/routes.js';
import type { Generation } from '../store/generation.js';
import type { GenerationStore } from '../store/generation-store.js';
import type { MergedFlag } from '../store/merge.js';
import type { UsageStore } from '../usage/usage-store.js';
import type { ApiHealth, CatalogFlag, ConsoleOverview } from './api-types.js';
import { type CatalogContext, catalogRow } from './catalog.js';
import { flagDetail } from './flag-detail.js';
import { FlagLocations } from './flag-locations.js';
import { LiveEvents } from './live-events.js';
import { explainRequestOf, MAX_EXPLAIN_BODY, readJsonBody, runExplain } from './playground.js';
import { UiAssets } from './ui-assets.js';
import { uiDirectory } from './ui-directory.js';

export interface ConsoleInit {
  readonly store: GenerationStore;
  readonly health: () => HealthReport;
  readonly audit: AuditView;
  readonly usage: UsageStore;
  /** The file sources: id and the file or directory behind it. */
  readonly sources: readonly { readonly id: string; readonly path: string }[];
  readonly cwd: string;
  readonly logger: Logger;
  /** The built UI (default: this package's dist/ui). */
  readonly assetsDir?: string | undefined;
  readonly now?: () => number;
}

const HISTORY_TTL_MS = 10_000;
const HISTORY_CACHE = 256;

function configOf(cwd: string, logger: Logger): ProjectConfig {
  try {
    return resolveConfig(cwd, undefined);
  } catch (error) {
    logger.warn(`console: ${(error as Error).message}; using the default rules`);
    return { rules: DEFAULT_RULES };
  }
}

export class Console {
  readonly events = new LiveEvents();
  private readonly locations: FlagLocations;
  private readonly assets: UiAssets;
  private readonly config: ProjectConfig;
  private readonly histories = new Map<string, { at: number; history: Promise<FlagHistory> }>();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly init: ConsoleInit) {
    this.locations = new FlagLocations(init.sources, init.cwd);
    this.assets = new UiAssets(init.assetsDir ?? uiDirectory());
    this.config = configOf(init.cwd, init.logger);
    this.unsubscribe = [
      init.store.subscribe((event) => {
        if (event.type === 'generation')
          this.events.publish('generation', { generation: event.generation.number });
        else if (event.type !== 'warnings') this.events.publish('health', { source: event.source });
      }),
      init.audit.subscribe((entry) =>
        this.events.publish('audit', { generation: entry.generation }),
      ),
      init.usage.subscribe((change) =>
        this.events.publish('usage', { at: new Date(change.at).toISOString() }),
      ),
    ];
  }

  close(): void {
    for (const off of this.unsubscribe) off();
    this.events.close();
  }

  routes(): ManagementRoute[] {
    const api = (
      path: string,
      handle: (req: ManagementRequest) => unknown,
      methods?: string[],
    ) => ({
      path: `/ui/api/${path}`,
      ...(methods === undefined ? {} : { methods }),
      handle: (req: ManagementRequest, res: ServerResponse) => this.answer(res, () => handle(req)),
    });
    return [
      { path: '/ui', handle: (_, res) => void res.writeHead(308, { location: '/ui/' }).end() },
      api('overview', () => this.overview()),
      api('flag', (req) => this.flag(req)),
      api('flag/history', (req) => this.history(req)),
      api('explain', (req) => this.explain(req), ['POST']),
      api('generations', (req) => ({
        entries: this.init.audit.recent(limitOf(req)).slice().reverse(),
      })),
      api('health', () => this.health()),
      api('usage', () => this.init.usage.record()),
      { path: '/ui/api/events', handle: (req, res) => this.events.open(req, res) },
      {
        path: '/ui/api/',
        prefix: true,
        methods: ['GET', 'HEAD', 'POST'],
        handle: (_, res) => sendJson(res, 404, { error: 'no such API' }),
      },
      { path: '/ui/', prefix: true, handle: (req, res) => this.assets.serve(req, res) },
    ];
  }

  private async answer(response: ServerResponse, work: () => unknown): Promise<void> {
    try {
      sendJson(response, 200, await work());
    } catch (error) {
      if (!(error instanceof SwitchyardError)) throw error;
      sendJson(response, ERROR_CODES[error.code].httpStatus, { error: error.message });
    }
  }

  private generation(): Generation {
    const generation = this.init.store.generation;
    if (generation === undefined) throw new FlagNotServedError('nothing is served yet');
    return generation;
  }

  private async context(generation: Generation): Promise<CatalogContext> {
    const locations = await this.locations.of(generation);
    const { rules } = this.config;
    return {
      now: (this.init.now ?? Date.now)(),
      settings: {
        days: 30,
        expiresKey: rules.expired.key,
        killSwitchPrefix: rules['kill-switch-default'].prefix,
        ownerKey: rules['owner-required'].key,
        expiringDays: rules['expiring-soon'].days,
      },
      usage: (key, set) => this.init.usage.flag(key, set),
      usageSince: new Date(this.init.usage.recordingSince).toISOString(),
      location: (m) => locations.get(`${m.flag.flagSetId ?? ''}\u0000${m.flag.key}`),
    };
  }

  private async overview(): Promise<ConsoleOverview> {
    const generation = this.init.store.generation;
    const flags: CatalogFlag[] = [];
    if (generation !== undefined) {
      const context = await this.context(generation);
      for (const m of generation.flags) flags.push(catalogRow(m, context));
    }
    return {
      generation: generation?.number ?? 0,
      ...(generation === undefined ? {} : { publishedAt: publishedAt(generation) }),
      status: this.init.health().status,
      usageSince: new Date(this.init.usage.recordingSince).toISOString(),
      flags,
    };
  }

  private find(req: ManagementRequest): { generation: Generation; merged: MergedFlag } {
    const key = req.query.get('key');
    if (key === null || key === '') throw new InvalidRequestError('the query needs ?key=FLAG');
    const set = req.query.get('set');
    const generation = this.generation();
    const matches = generation.flags.filter(
      (m) => m.flag.key === key && (set === null || (m.flag.flagSetId ?? '') === set),
    );
    const merged = matches[matches.length - 1];
    if (merged === undefined) {
      const where = set === null ? '' : ` in set "${set}"`;
      throw new FlagNotServedError(`no flag "${key}"${where} in generation ${generation.number}`);
    }
    return { generation, merged };
  }

  private async flag(req: ManagementRequest) {
    const { generation, merged } = this.find(req);
    const { flag } = merged;
    return flagDetail({
      row: catalogRow(merged, await this.context(generation)),
      flag,
      generation: generation.number,
      usage: this.init.usage.flag(flag.key, flag.flagSetId),
      audit: this.init.audit.recent(),
    });
  }

  private async history(req: ManagementRequest) {
    const { generation, merged } = this.find(req);
    const { flag } = merged;
    const location = await this.locations.find(generation, flag.key, flag.flagSetId);
    if (location === undefined) return { commits: [], truncated: false };
    const id = `${location.path}\u0000${flag.flagSetId ?? ''}\u0000${flag.key}`;
    const now = Date.now();
    let cached = this.histories.get(id);
    if (cached === undefined || now - cached.at > HISTORY_TTL_MS) {
      if (this.histories.size >= HISTORY_CACHE) this.histories.clear();
      cached = {
        at: now,
        history: flagHistory({ file: location.path, key: flag.key, flagSetId: flag.flagSetId }),
      };
      this.histories.set(id, cached);
    }
    const history = await cached.history;
    return {
      file: location.file,
      ...history,
      commits: history.commits.map(({ definition: _, ...c }) => c),
    };
  }

  private async explain(req: ManagementRequest) {
    const body = await readJsonBody(req.raw, MAX_EXPLAIN_BODY);
    return runExplain(this.generation(), explainRequestOf(body));
  }

  private health(): ApiHealth {
    const report = this.init.health();
    const generation = this.init.store.generation;
    const ruleErrors = (generation?.flags ?? [])
      .filter((m) => m.flag.error !== undefined)
      .slice(0, 100)
      .map((m) => ({ key: m.flag.key, message: formatDiagnostic(m.flag.error as Diagnostic) }));
    return { ...report, ruleErrors };
  }
}

function limitOf(req: ManagementRequest): number | undefined {
  const limit = req.query.get('limit');
  if (limit === null) return undefined;
  if (!/^\d+$/.test(limit)) throw new InvalidRequestError('limit must be a non-negative integer');
  return Number(limit);
}

function publishedAt(generation: Generation): string {
  return new Date(performance.timeOrigin + generation.publishedAt).toISOString();
}
