// The officer's dashboard (/officer) in headless Chromium against the real
// server in demo mode: demo sign-in, the report with its charts drawn from
// the report's figures, the review queues and the notice publisher, all by
// keyboard; no console errors. Screenshots go to test/artifacts/.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, describeInBrowser, launchBrowser, type BrowserSession, focusedControl } from './support/browser';
import { startHarness, type Harness } from './support/harness';
import { perFile } from './support/perFile';
import { CONFIRM, PROPOSE } from './support/selfService';

describeInBrowser('the officer dashboard', () => {
  const site = perFile<{ h: Harness; browser: BrowserSession; origin: string }>(
    async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const [h, browser] = await Promise.all([startHarness({ customers: 30, env: { PRIVQL_DEMO: '1' } }), launchBrowser()]);
      return { h, browser, origin: new URL(h.server.url).origin };
    },
    async ({ h, browser }) => {
      await browser?.close();
      await h?.close();
    },
  );
  const errors = new WeakMap<Page, string[]>();
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `officer-${name}.png`), fullPage: true });

  async function openPage(): Promise<Page> {
    const page = await site.browser.context.newPage();
    const logged: string[] = [];
    errors.set(page, logged);
    page.on('pageerror', (err) => logged.push(err.message));
    page.on('console', (msg) => {
      if ((msg.type() === 'error' || msg.type() === 'warning') && !msg.location().url.endsWith('/favicon.ico')) logged.push(msg.text());
    });
    await page.goto(`${site.origin}/officer/`);
    return page;
  }

  const focused = focusedControl;

  async function tabTo(page: Page, name: string): Promise<void> {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (f.tag === 'body') continue;
      expect({ at: f.name, ring: f.ring }).toEqual({ at: f.name, ring: true });
      if (f.name.startsWith(name)) return;
    }
    throw new Error(`Tab never reached "${name}"`);
  }

  /** What each chart holds: Chart.js's own data, and whether anything was painted on the canvas. */
  const charts = (page: Page) =>
    page.evaluate(() =>
      ['chart-purpose', 'chart-optouts', 'chart-rates', 'chart-apps'].map((id) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: string[]; datasets: Array<{ label: string; data: number[] }> } } | undefined } }).Chart.getChart(canvas);
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
        return { id, labels: chart?.data.labels ?? [], datasets: chart?.data.datasets.map((d) => ({ label: d.label, total: d.data.reduce((a, b) => a + b, 0) })) ?? [], painted };
      }),
    );

  beforeAll(async () => {
    const { h } = site;
    // Something to report: reads by three applications, a refusal, opt-out changes, and two requests for the officer.
    await h.graphql('{ customers(first: 5) { nodes { id name email } } }', { role: 'AGENT' });
    await h.graphql('{ customers(first: 50) { nodes { id } } }', { role: 'MARKETER' });
    await h.graphql('{ customers(first: 3) { nodes { city age } } }', { role: 'PARTNER' });
    await h.graphql('{ accessLog(first: 1) { nodes { seq } } }', { role: 'AGENT' });
    const [a, b] = (await h.db.knex('customers').select('id').orderBy('id').limit(2)).map((r) => r.id);
    await h.graphql('mutation { setOptOut(kind: DIRECT_MARKETING, optedOut: true) { directMarketing } }', { role: 'CUSTOMER', sub: a });
    const proposed = await h.graphql(PROPOSE, { role: 'CUSTOMER', sub: a, variables: { input: { name: 'Ada Reviewed' } } });
    await h.graphql(CONFIRM, { role: 'CUSTOMER', sub: a, variables: { id: proposed.body.data!.proposeProfileChange.id } });
    await h.graphql('mutation { requestErasure { id } }', { role: 'CUSTOMER', sub: b });
  });

  test('demo sign-in shows the report with its four charts drawn from the figures, and no console errors', async () => {
    const page = await openPage();
    await shot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in as the demo privacy officer' }).click();
    await page.locator('#report:not([hidden])').waitFor();
    await page.locator('#status', { hasText: 'Report for' }).waitFor();
    const drawn = await charts(page);
    for (const chart of drawn) expect({ id: chart.id, painted: chart.painted > 500 }).toEqual({ id: chart.id, painted: true });
    const byId = Object.fromEntries(drawn.map((c) => [c.id, c]));
    const today = new Date().toISOString().slice(0, 10);
    expect(byId['chart-purpose'].labels).toContain(today);
    expect(byId['chart-purpose'].datasets).toEqual(expect.arrayContaining([{ label: 'CUSTOMER_SERVICE', total: 1 }, { label: 'DIRECT_MARKETING', total: 1 }, { label: 'THIRD_PARTY_DISCLOSURE', total: 1 }]));
    expect(byId['chart-optouts'].datasets).toEqual(expect.arrayContaining([{ label: 'DIRECT_MARKETING opted out', total: 1 }]));
    expect(byId['chart-rates'].labels).toEqual(['DIRECT_MARKETING', 'THIRD_PARTY_DISCLOSURE', 'AUTOMATED_DECISION', 'SENSITIVE_DATA_USE']);
    expect(byId['chart-apps'].labels).toEqual(expect.arrayContaining(['crm-console', 'campaign-manager', 'partner-portal', 'self-service']));
    // The same figures as text, for those who do not see the chart.
    await expect(page.locator('#table-denied').textContent()).resolves.toContain('ACCESS_LOG_NOT_ALLOWED');
    await expect(page.locator('#pending-summary').textContent()).resolves.toBe('1 change requests and 1 erasure requests wait for you (see Review queues).');
    // What the chain check covered: the records since the server's last check, and when the whole log was.
    await expect(page.locator('#chain-status').textContent()).resolves.toMatch(
      /^The access log verifies up to record \d+ \(head hash [0-9a-f]{16}…\): this report checked the \d+ records written after record \d+; the whole log was last checked at \d{4}-\d\d-\d\dT[\d:.]+Z\. Figures cover \d+ records of the period\.$/,
    );
    await shot(page, '02-report');
    expect(errors.get(page)).toEqual([]);
    await page.close();
  });

  test('by keyboard alone: sign in, pick a period, approve the change, erase the customer, publish the notice', async () => {
    const page = await openPage();
    await tabTo(page, 'Skip to content');
    await tabTo(page, 'Sign in as the demo privacy officer');
    await page.keyboard.press('Enter');
    await page.locator('#status', { hasText: 'Report for' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('report-title');

    // A period of its own: from ten days ago, typed into the date field's parts (month, day, year for en-US).
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const [year, month, day] = tenDaysAgo.split('-');
    await tabTo(page, 'From');
    await page.keyboard.type(`${month}${day}${year}`);
    await tabTo(page, 'Show report');
    await page.keyboard.press('Enter');
    await page.locator('#status', { hasText: `Report for ${tenDaysAgo}` }).waitFor();

    // Back to the sections: the skip link's target, then one step back into the header.
    await page.focus('#main');
    await page.keyboard.press('Shift+Tab');
    await tabTo(page, 'Review queues');
    await page.keyboard.press('Enter');
    await page.locator('#change-queue article').waitFor();
    await shot(page, '03-queues');
    await tabTo(page, 'Note to the customer');
    await page.keyboard.type('Checked against the passport');
    await tabTo(page, 'Approve');
    await page.keyboard.press('Enter');
    await page.locator('#status', { hasText: 'approved and applied' }).waitFor();
    const [a] = (await site.h.db.knex('customers').select('id', 'name').orderBy('id').limit(1));
    expect(a.name).toBe('Ada Reviewed');

    await tabTo(page, 'Erase this customer');
    await page.keyboard.press('Enter');
    expect((await focused(page)).name).toBe('Yes, erase irreversibly');
    await page.keyboard.press('Enter');
    await page.locator('#status', { hasText: 'erased' }).waitFor();
    await expect(page.locator('#erasure-queue').textContent()).resolves.toBe('No erasure request waits.');
    const [, b] = await site.h.db.knex('customers').select('id', 'erased_at').orderBy('id').limit(2);
    expect(b.erased_at).not.toBeNull();

    await page.focus('#main');
    await page.keyboard.press('Shift+Tab');
    await tabTo(page, 'Privacy notice');
    await page.keyboard.press('Enter');
    await page.locator('#notice-state', { hasText: 'No version has been published yet.' }).waitFor();
    await tabTo(page, 'Publish a new version');
    await page.keyboard.press('Enter');
    await page.locator('#status', { hasText: 'Version 1 published' }).waitFor();
    await expect(page.locator('#notice-state').textContent()).resolves.toMatch(/^Version 1 is published/);
    await shot(page, '04-notice');
    expect(errors.get(page)).toEqual([]);
    await page.close();
  });

  test('on a 360 px phone screen nothing but the wide tables scrolls sideways, and the charts fit', async () => {
    const page = await site.browser.context.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${site.origin}/officer/`);
    await page.getByRole('button', { name: 'Sign in as the demo privacy officer' }).click();
    await page.locator('#status', { hasText: 'Report for' }).waitFor();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      charts: Array.from(document.querySelectorAll('canvas')).map((c) => c.getBoundingClientRect().right),
    }));
    expect(widths.page).toBeLessThanOrEqual(360);
    for (const right of widths.charts) expect(right).toBeLessThanOrEqual(360);
    await shot(page, '05-phone');
    await page.close();
  });

  test('a pasted non-officer token is refused with a plain message', async () => {
    const page = await openPage();
    await page.getByLabel('Access token from your identity provider').fill(await site.h.token('AGENT'));
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.locator('#alert:not([hidden])').waitFor();
    await expect(page.locator('#alert').textContent()).resolves.toContain('needs a privacy officer (OFFICER) sign-in');
    await page.close();
  });
});
