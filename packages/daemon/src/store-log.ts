// The log lines of the store's events, one level per kind of news (packages/daemon/README.md
// "Health"): `info` for what is served (a generation, an entry that recovered), `error` for what
// an operator has to fix (an entry that cannot be used, a flag served with a rule error), `warn`
// for findings that change nothing served. Each problem is logged once when it appears and once
// when it clears, each warning once per content.
import { formatDiagnostic } from './engine.js';
import type { Logger } from './logger.js';
import type { Generation } from './store/generation.js';
import type { GenerationStore, StoreEvent } from './store/generation-store.js';
import { newRuleErrors } from './store/rule-errors.js';

const LIST_LIMIT = 25;
const short = (items: readonly string[]) =>
  items.length > LIST_LIMIT
    ? [...items.slice(0, LIST_LIMIT), `…${items.length - LIST_LIMIT} more`]
    : items;

function logGeneration(logger: Logger, store: GenerationStore, g: Generation): void {
  const { added, changed, removed } = g.changes;
  // The first generation is published from the sources that serve flags; name the others, so
  // the count is never read as "those files hold no flags".
  const missing = g.number === 1 ? store.unavailableSources() : [];
  logger.info(
    {
      generation: g.number,
      source: g.sources.join(','),
      flags: g.flags.length,
      added: short(added),
      changed: short(changed),
      removed: short(removed),
      ...(missing.length > 0 ? { notServed: missing } : {}),
      ...(g.eventAt !== undefined
        ? { latencyMs: Number((g.publishedAt - g.eventAt).toFixed(2)) }
        : {}),
    },
    `published generation ${g.number} from ${g.sources.join(', ')}: ${added.length} added, ${changed.length} changed, ${removed.length} removed${missing.length > 0 ? `; not served (no usable content yet): ${missing.join(', ')}` : ''}`,
  );
  const flagged = newRuleErrors(g);
  if (flagged.length === 0) return;
  const lines = flagged.map(
    (m) => `${m.flag.key} (${m.sourceId}): ${formatDiagnostic(m.flag.error!)}`,
  );
  logger.error(
    { generation: g.number, ruleErrors: short(lines) },
    `${flagged.length} flag(s) served with a rule error, evaluating to PARSE_ERROR as in flagd (the other flags are unaffected): ${short(lines).join('; ')}`,
  );
}

function logEvent(logger: Logger, store: GenerationStore, event: StoreEvent): void {
  switch (event.type) {
    case 'generation':
      logGeneration(logger, store, event.generation);
      return;
    case 'problem': {
      const { problem } = event;
      const consequence = event.serving
        ? 'keeping the last good flags'
        : problem.code === 'MISSING'
          ? 'waiting for it to appear'
          : 'none of its flags are served until it is fixed';
      logger.error(
        { source: event.source, entry: problem.entry, code: problem.code },
        `${problem.message} (source ${event.source}: ${consequence})`,
      );
      return;
    }
    case 'recovered':
      logger.info(
        { source: event.source, entry: event.entry },
        `source ${event.source}: ${event.entry} recovered`,
      );
      return;
    case 'warnings': {
      const lines = event.warnings.map(formatDiagnostic);
      logger.warn(
        { source: event.source, warnings: short(lines) },
        `${lines.length} warning(s) in ${event.source}; nothing was rejected`,
      );
      return;
    }
  }
}

/** Logs every store event. */
export function logStore(store: GenerationStore, logger: Logger): () => void {
  return store.subscribe((event) => logEvent(logger, store, event));
}
