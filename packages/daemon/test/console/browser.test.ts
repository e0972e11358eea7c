// The console in a real browser: headless Chromium (Debian's `chromium`, driven by
// playwright-core) against a daemon serving the repository's example flags from a git checkout.
// The catalog lists them with their owners, search and filters narrow it, the playground answers
// what the engine answers, an edit of a flag file shows on the open page without a reload, and
// every page has labels, a heading and works on a phone. Screenshots of each page, desktop and
// phone, are written to .tmp/console/ for review. Without Chromium this fails, saying how to
// install it: a console nobody tested in a browser is not tested.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSnapshot, evaluateAny, parseFlags } from '@switchyard/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { git, initRepo } from '../audit/helpers.js';
import { atomicWrite, startTestDaemon, type TestDaemon, tempDir } from '../helpers/harness.js';
import { ensureUiBuilt } from '../helpers/ui-build.js';
import { reportUsage } from './usage-client.js';

const ROOT = join(__dirname, '..', '..', '..', '..');
const SHOTS = join(ROOT, '.tmp', 'console');
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const WAIT = { timeout: 30_000 };

function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p) => p && existsSync(p));
  if (found === undefined) {
    throw new Error(
      'The console browser tests need headless Chromium and found none: install it ' +
        '(Debian/Ubuntu: `apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  return found;
}

let browser: Browser;
let t: TestDaemon;
let base: string;
let flagsDir: string;

beforeAll(async () => {
  const executablePath = chromiumPath();
  ensureUiBuilt();
  mkdirSync(SHOTS, { recursive: true });
  const dir = tempDir('switchyard-browser-');
  flagsDir = join(dir, 'flags');
  cpSync(join(ROOT, 'flags'), flagsDir, { recursive: true });
  initRepo(dir, 'Ada Lovelace', 'ada@example.com');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'Example flags');
  t = await startTestDaemon({ dir, sources: [`file:${flagsDir}`] });
  base = `http://127.0.0.1:${t.daemon.ports.management}/ui/`;
  await reportUsage(t.daemon.ports.sync as number, [
    ['new-checkout', 'shop', 'on', 'TARGETING_MATCH', 120],
    ['new-checkout', 'shop', 'off', 'TARGETING_MATCH', 1080],
    ['ops_payments_enabled', 'ops', 'on', 'STATIC', 5400],
    ['export-reports', 'shop', 'denied', 'TARGETING_MATCH', 310],
  ]);
  // root in CI: Chromium's sandbox needs user namespaces a container may not have.
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${base}${path}`);
  return page;
}

const errorsOf = (page: Page) => (page as Page & { errors: string[] }).errors;

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Owners by key, as the example files define them (flag metadata). */
function exampleOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const name of ['release.json', 'experiments.json', 'ops.yaml']) {
    const parsed = parseFlags(readFileSync(join(ROOT, 'flags', name), 'utf8'), { source: name });
    for (const f of parsed.configuration?.flags ?? []) owners.set(f.key, String(f.metadata.owner));
  }
  return owners;
}

/** Until the catalog shows one row (locators wait without evaluating strings: the CSP forbids it). */
const oneRow = (page: Page) =>
  page
    .locator('table.catalog tbody tr')
    .nth(1)
    .waitFor({ state: 'detached', ...WAIT });

const rows = (page: Page) =>
  page.$$eval('table.catalog tbody tr', (trs) =>
    trs.map((tr) => ({
      key: tr.getAttribute('data-key'),
      owner: tr.querySelector('td.owner')?.textContent,
    })),
  );

test('the catalog lists the example flags with their owners', async () => {
  const page = await open('#/flags');
  await page.waitForSelector('table.catalog tbody tr', WAIT);
  const owners = exampleOwners();
  expect(owners.size).toBe(5);
  const shown = await rows(page);
  expect(new Map(shown.map((r) => [r.key, r.owner]))).toEqual(owners);
  expect(await page.textContent('#catalog-count')).toContain('5 of 5 flags');
  await shoot(page, 'catalog');
  expect(errorsOf(page)).toEqual([]);
  await page.close();
});

test('search and filters narrow the catalog', async () => {
  const page = await open('#/flags');
  await page.waitForSelector('table.catalog tbody tr', WAIT);
  await page.fill('#search', 'payment');
  await oneRow(page);
  expect((await rows(page)).map((r) => r.key)).toEqual(['ops_payments_enabled']);
  expect(await page.textContent('#catalog-count')).toContain('1 of 5 flags');
  await page.fill('#search', '');
  await page.selectOption('#filter-owner', 'team-checkout');
  await oneRow(page);
  expect((await rows(page)).map((r) => r.key)).toEqual(['new-checkout']);
  await page.selectOption('#filter-owner', '');
  await page.selectOption('#filter-lifecycle', 'permanent');
  await oneRow(page);
  await page.selectOption('#filter-lifecycle', '');
  await page.fill('#search', 'no such flag anywhere');
  await page.waitForSelector('text=No flag matches these filters.', WAIT);
  await page.close();
});

test('the playground answers what the engine answers', async () => {
  const text = readFileSync(join(flagsDir, 'release.json'), 'utf8');
  const { snapshot } = createSnapshot(parseFlags(text).configuration!);
  const page = await open('#/playground?key=new-checkout&set=shop');
  await page.waitForSelector('#pg-flag option', { ...WAIT, state: 'attached' });
  const variants = new Set<string>();
  for (const targetingKey of [
    'user-1',
    'user-2',
    'user-3',
    'user-4',
    'user-5',
    'user-6',
    'user-7',
    'user-8',
    'user-9',
    'user-10',
    'user-11',
    'user-12',
  ]) {
    const expected = evaluateAny(snapshot, { flagKey: 'new-checkout', context: { targetingKey } });
    await page.fill('#pg-context', JSON.stringify({ targetingKey }));
    await page.click('#pg-run');
    // The trace names the bucketing value: this context's answer, not the previous one's.
    await page.locator('.trace', { hasText: `"new-checkout${targetingKey}"` }).waitFor(WAIT);
    expect(await page.textContent('#result-variant')).toBe(expected.variant);
    expect(await page.textContent('#result-reason')).toBe(expected.reason);
    variants.add(expected.variant as string);
  }
  expect(variants).toEqual(new Set(['on', 'off']));
  expect(await page.textContent('.trace')).toContain('fractional');
  await shoot(page, 'playground');
  await page.close();
});

test('editing a flag file updates the open page without a reload', async () => {
  const page = await open('#/flag?key=new-checkout&set=shop');
  await page.waitForSelector('.legend', WAIT);
  expect(await page.textContent('.legend')).toContain('on 10%');
  await page.evaluate('window.stayed = true');
  await shoot(page, 'flag');
  const file = join(flagsDir, 'release.json');
  atomicWrite(
    file,
    readFileSync(file, 'utf8').replace('["on", 10], ["off", 90]', '["on", 30], ["off", 70]'),
  );
  await page.locator('.legend', { hasText: 'on 30%' }).waitFor(WAIT);
  expect(await page.evaluate('window.stayed')).toBe(true);
  // The legend and the events list are separate regions; wait for the list's own update.
  await page.locator('.events', { hasText: 'changed (targeting)' }).waitFor(WAIT);
  await page.close();
});

test('every page: a heading, labelled controls, the current page marked, phone width', async () => {
  // A broken file makes the health page show an error with file:line.
  atomicWrite(join(flagsDir, 'broken.json'), '{ "flags": { "x": { "state": "ENABLED", ');
  await t.waitFor((e) => e.type === 'problem');
  for (const name of ['flags', 'playground', 'generations', 'health', 'usage']) {
    for (const [label, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await open(`#/${name}`, viewport);
      await page.waitForSelector('main h1', WAIT);
      await page.waitForLoadState('networkidle');
      const unlabelled = await page.$$eval('input, select, textarea', (els) =>
        els
          .filter(
            (el) =>
              (el as unknown as { labels: { length: number } | null }).labels?.length === 0 &&
              !el.getAttribute('aria-label'),
          )
          .map((el) => el.id),
      );
      expect(unlabelled).toEqual([]);
      expect(await page.getAttribute(`nav a[href="#/${name}"]`, 'aria-current')).toBe('page');
      if (label === 'phone') {
        const overflow = await page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        );
        expect(overflow).toBeLessThanOrEqual(1);
      }
      if (name === 'health') await page.waitForSelector('.problems .message', WAIT);
      await shoot(page, `${name}-${label}`);
      expect(errorsOf(page).filter((e) => !e.includes('favicon'))).toEqual([]);
      await page.close();
    }
  }
  const phone = await open('#/flag?key=new-checkout&set=shop', { width: 390, height: 844 });
  await phone.waitForSelector('.legend', WAIT);
  await shoot(phone, 'flag-phone');
  await phone.close();
}, 120_000);

test('keyboard: the skip link leads to the content, and the catalog is reachable by Tab', async () => {
  const page = await open('#/flags');
  await page.waitForSelector('table.catalog tbody tr', WAIT);
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
  await page.keyboard.press('Enter');
  expect(await page.evaluate('document.activeElement?.id')).toBe('main');
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement?.id')).toBe('search');
  await page.close();
});
