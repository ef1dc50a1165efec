// The self-service page used with the keyboard alone (Tab, Enter, Space and
// typing into fields), with a visible focus ring at every stop; and the page
// on a 360 px wide phone screen.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { demoCustomersInOrder } from '../src/server/demoCustomers';
import { ARTIFACTS, describeInBrowser, launchBrowser, type BrowserSession } from './support/browser';
import { startHarness, type Harness } from './support/harness';

describeInBrowser('the self-service page by keyboard and on a phone', () => {
  let h: Harness;
  let browser: BrowserSession;
  let origin: string;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [h, browser] = await Promise.all([startHarness({ customers: 20, env: { PRIVQL_DEMO: '1' } }), launchBrowser()]);
    origin = new URL(h.server.url).origin;
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** What has focus, and whether a focus ring of at least 2 px is drawn around it. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (!a || a === document.body) return { name: '', ring: false, tag: 'body' };
      const style = getComputedStyle(a);
      const labelled = a.id ? document.querySelector(`label[for="${a.id}"]`)?.textContent : null;
      const name = (labelled ?? a.getAttribute('aria-label') ?? a.textContent ?? '').trim();
      return { name, tag: a.tagName.toLowerCase(), ring: a.matches(':focus, :focus-within') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });

  /** Presses Tab until the focused control's name starts with `name`; every stop on the way must show its focus. */
  async function tabTo(page: Page, name: string | RegExp): Promise<void> {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (f.tag === 'body') continue;
      expect({ at: f.name, ring: f.ring }).toEqual({ at: f.name, ring: true });
      if (typeof name === 'string' ? f.name.startsWith(name) : name.test(f.name)) return;
    }
    throw new Error(`Tab never reached "${name}"`);
  }

  const customer = async (n: number) => {
    const { id } = await demoCustomersInOrder(h.db.knex).offset(n - 1).first();
    return h.db.knex('customers').where({ id }).first();
  };

  test('sign in, correct the email, confirm, opt out of marketing and download the export with the keyboard alone', async () => {
    const page = await browser.context.newPage();
    const me = await customer(2);
    await page.goto(`${origin}/`);
    await tabTo(page, 'Demo customer');
    await page.keyboard.press('ArrowDown'); // a select is changed with the arrow keys
    await tabTo(page, 'Sign in as this customer');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'What we hold about you' }).waitFor();
    await expect(page.locator('#who').textContent()).resolves.toBe(`Signed in as ${me.name}`);

    await tabTo(page, 'Correct');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Email');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('keyboard.user@example.org');
    await page.keyboard.press('Enter'); // submits the form
    await page.locator('#proposal:not([hidden])').waitFor();
    await tabTo(page, 'Confirm and save');
    await page.keyboard.press('Enter');
    await page.locator('#status', { hasText: 'Saved' }).waitFor();
    expect((await customer(2)).email).toBe('keyboard.user@example.org');

    await tabTo(page, 'Choices');
    await page.keyboard.press('Space');
    await tabTo(page, 'No direct marketing');
    await page.keyboard.press('Space');
    await page.locator('#status', { hasText: 'No direct marketing: on' }).waitFor();
    const marketer = await h.graphql('{ customers(first: 500) { nodes { id } } }', { role: 'MARKETER' });
    expect(marketer.body.data!.customers.nodes.map((n: { id: string }) => n.id)).not.toContain(me.id);
    // Saving did not throw focus away: the box still has it.
    await expect(focused(page)).resolves.toMatchObject({ name: expect.stringMatching(/^No direct marketing/), ring: true });

    await tabTo(page, 'Export or erase');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Download my data');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const file = join(ARTIFACTS, 'export-keyboard.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(JSON.stringify(exported)).toContain('keyboard.user@example.org');
    await page.close();
  });

  test('on a 360 px wide screen nothing scrolls sideways; screenshots of the main screens', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${origin}/`);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-01-sign-in.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign in as this customer' }).click();
    await page.getByRole('heading', { name: 'What we hold about you' }).waitFor();
    for (const [button, file] of [['Profile', 'phone-02-profile'], ['Correct', 'phone-03-correct'], ['Choices', 'phone-04-choices'], ['Who saw it', 'phone-05-who-accessed'], ['Export or erase', 'phone-06-export-erase']]) {
      await page.getByRole('button', { name: button, exact: true }).click();
      if (button === 'Who saw it') await page.locator('#access li').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect({ screen: button, overflow }).toEqual({ screen: button, overflow: 0 });
      await page.screenshot({ path: join(ARTIFACTS, `${file}.png`), fullPage: true });
    }
    await page.close();
  });
});
