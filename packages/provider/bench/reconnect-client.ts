// A client process of the reconnect benchmark: one OpenFeature domain per provider (ours or the
// official @openfeature/flagd-provider, in-process, default options), each evaluating the
// benchmark flag every POLL_MS and on every provider event. It reports when every provider holds
// the old value, then — after 'outage' — counts evaluations that returned a default and the time
// at which each provider first evaluated the new value.
import { FlagdProvider } from '@openfeature/flagd-provider';
import {
  type Client,
  type EvaluationDetails,
  OpenFeature,
  type Provider,
  ProviderEvents,
} from '@openfeature/server-sdk';
import { SwitchyardProvider } from '../src/index.js';
import { silentLogger } from '../test/support/flags.js';
import type { ClientReport, FromClient, ToClient } from './reconnect-messages.js';

type Init = Extract<ToClient, { type: 'init' }>;

const POLL_MS = 50;
const CODE_DEFAULT = 'code-default';

function send(message: FromClient): void {
  process.send?.(message);
}

function createProvider(init: Init, host: string): Provider {
  const logger = silentLogger();
  if (init.kind === 'switchyard') {
    return new SwitchyardProvider({ resolverType: 'in-process', host, port: init.port }, logger);
  }
  return new FlagdProvider({ resolverType: 'in-process', host, port: init.port }, logger);
}

class Watcher {
  heldAt: number | undefined;
  ready = false;

  constructor(
    private readonly client: Client,
    private readonly run: Run,
  ) {
    for (const type of Object.values(ProviderEvents)) {
      client.addHandler(type, () => {
        if (run.outage) run.events[type] = (run.events[type] ?? 0) + 1;
        void this.evaluate();
      });
    }
  }

  async evaluate(): Promise<void> {
    const details = await this.client.getStringDetails(this.run.init.flagKey, CODE_DEFAULT);
    this.run.observe(this, details);
  }
}

class Run {
  outage = false;
  evaluations = 0;
  defaults = 0;
  firstDefault: string | undefined;
  readonly events: Record<string, number> = {};
  readonly watchers: Watcher[] = [];
  private readySent = false;
  private doneSent = false;
  private readonly poll: NodeJS.Timeout;

  constructor(readonly init: Init) {
    init.hosts.forEach((host, i) => {
      const domain = `reconnect-${i}`;
      OpenFeature.setProvider(domain, createProvider(init, host));
      this.watchers.push(new Watcher(OpenFeature.getClient(domain), this));
    });
    this.poll = setInterval(() => {
      for (const w of this.watchers) void w.evaluate();
    }, POLL_MS);
  }

  observe(watcher: Watcher, details: EvaluationDetails<string>): void {
    const { value, errorCode } = details;
    if (!this.outage) {
      watcher.ready ||= value === this.init.before && errorCode === undefined;
      if (!this.readySent && this.watchers.every((w) => w.ready)) {
        this.readySent = true;
        send({ type: 'ready' });
      }
      return;
    }
    if (this.doneSent) return;
    this.evaluations++;
    if (errorCode !== undefined || value === CODE_DEFAULT) {
      this.defaults++;
      this.firstDefault ??= `${value} (${details.reason}, ${errorCode}: ${details.errorMessage})`;
    }
    if (value === this.init.after) watcher.heldAt ??= Date.now();
    if (this.watchers.every((w) => w.heldAt !== undefined)) this.finish();
  }

  private finish(): void {
    this.doneSent = true;
    clearInterval(this.poll);
    const report: ClientReport = {
      heldAt: this.watchers.map((w) => w.heldAt!),
      evaluations: this.evaluations,
      defaults: this.defaults,
      firstDefault: this.firstDefault,
      events: this.events,
    };
    send({ type: 'done', report });
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    await OpenFeature.close();
  }
}

let run: Run | undefined;
OpenFeature.setLogger(silentLogger());
process.on('message', (message: ToClient) => {
  try {
    if (message.type === 'init') run = new Run(message);
    else if (message.type === 'outage' && run) run.outage = true;
    else if (message.type === 'close') {
      void (run?.close() ?? Promise.resolve()).finally(() => process.exit(0));
    }
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
