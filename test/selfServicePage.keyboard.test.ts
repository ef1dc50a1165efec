// The self-service page used with the keyboard alone (Tab, Enter, Space and
// typing into fields), with a visible focus ring at every stop; and the page
// on a 360 px wide phone screen.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, describeInBrowser, focusedControl } from './support/browser';
import { selfServicePage, shot } from './support/selfServicePage';

describeInBrowser('the self-service page by keyboard and on a phone', () => {
  const site = selfServicePage(20);

  const focused = focusedControl;

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

  test('sign in, correct the email, confirm, opt out of marketing and download the export with the keyboard alone', async () => {
    const page = await site.openPage();
    const me = await site.demoCustomer(2);
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
    expect((await site.demoCustomer(2)).email).toBe('keyboard.user@example.org');

    await tabTo(page, 'Choices');
    await page.keyboard.press('Space');
    await tabTo(page, 'No direct marketing');
    await page.keyboard.press('Space');
    await page.locator('#status', { hasText: 'No direct marketing: on' }).waitFor();
    const marketer = await site.h.graphql('{ customers(first: 500) { nodes { id } } }', { role: 'MARKETER' });
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
    const page = await site.openPage({ viewport: { width: 360, height: 740 } });
    await shot(page, 'phone-01-sign-in');
    await page.getByRole('button', { name: 'Sign in as this customer' }).click();
    await page.getByRole('heading', { name: 'What we hold about you' }).waitFor();
    for (const [button, file] of [['Profile', 'phone-02-profile'], ['Correct', 'phone-03-correct'], ['Choices', 'phone-04-choices'], ['Who saw it', 'phone-05-who-accessed'], ['Export or erase', 'phone-06-export-erase']]) {
      await page.getByRole('button', { name: button, exact: true }).click();
      if (button === 'Who saw it') await page.locator('#access li').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect({ screen: button, overflow }).toEqual({ screen: button, overflow: 0 });
      await shot(page, file);
    }
    await page.close();
  });
});
