// The /privacy page in a real browser: the published notice rendered from the
// public GraphQL field with no sign-in, no console errors, every link
// reachable by keyboard. A screenshot goes to test/artifacts/privacy.png.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, describeInBrowser, launchBrowser, type BrowserSession } from './support/browser';
import { startHarness, type Harness } from './support/harness';

describeInBrowser('the privacy notice page', () => {
  let h: Harness;
  let browser: BrowserSession;
  let origin: string;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [h, browser] = await Promise.all([startHarness({ customers: 20, env: { PRIVQL_OFFICER_CONTACT: 'dpo@shop.example' } }), launchBrowser()]);
    origin = new URL(h.server.url).origin;
    const published = await h.graphql('mutation { publishPrivacyNotice { status version } }', { role: 'OFFICER' });
    expect(published.body.data!.publishPrivacyNotice).toEqual({ status: 'PUBLISHED', version: 1 });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function open(path = '/privacy'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(`${msg.text()} ${msg.location().url}`));
    await page.goto(`${origin}${path}`);
    await page.locator('#notice').waitFor();
    return { page, errors };
  }

  test('renders the published notice, its version and date, the six clauses and every classified field, with no console errors', async () => {
    const { page, errors } = await open();
    await expect(page.locator('#version').textContent()).resolves.toBe('Version 1.');
    const effective = await h.db.knex('privacy_notices').where({ version: 1 }).first('effective_at');
    await expect(page.locator('#effective time').getAttribute('datetime')).resolves.toBe(new Date(effective.effective_at).toISOString());
    await expect(page.locator('.clause > h2').allTextContents()).resolves.toEqual([
      '1. What we collect',
      '2. How we use it and who receives it',
      '3. Your control over its use',
      '4. Seeing, correcting and erasing your data',
      '5. How we protect it',
      '6. Questions, concerns and changes',
    ]);
    // Clause 1 lists one item per classified field, then the channels.
    const listed = await page.locator('#clause-collection .section').evaluateAll((sections) => sections.slice(0, -1).reduce((n, s) => n + s.querySelectorAll('li').length, 0));
    expect(listed).toBe(h.server.schema.catalog.fields.size);
    await expect(page.getByRole('link', { name: 'dpo@shop.example' }).getAttribute('href')).resolves.toBe('mailto:dpo@shop.example');
    await expect(page.locator('#changes li').allTextContents()).resolves.toEqual(['First published version of this notice.']);
    await page.screenshot({ path: join(ARTIFACTS, 'privacy.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('every link is reachable with Tab, in order, and a contents link takes the reader to its clause', async () => {
    const { page, errors } = await open();
    const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.textContent));
    expect(links.length).toBeGreaterThan(10);
    const reached: string[] = [];
    for (let i = 0; i < links.length; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.textContent ?? ''));
    }
    expect(reached).toEqual(links);
    await page.keyboard.press('Shift+Tab');
    await page.locator('#contents a', { hasText: '4. Seeing' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#clause-access$/);
    await expect(page.locator('#clause-access').isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an earlier version by its number, and one never published says so plainly', async () => {
    const { page } = await open('/privacy/?version=1');
    await expect(page.locator('#version').textContent()).resolves.toBe('Version 1.');
    await page.close();
    const missing = await browser.context.newPage();
    await missing.goto(`${origin}/privacy/?version=42`);
    await missing.locator('#alert').waitFor();
    await expect(missing.locator('#alert').textContent()).resolves.toMatch(/could not be loaded \(version 42 has not been published\)/);
    await missing.close();
  });
});
