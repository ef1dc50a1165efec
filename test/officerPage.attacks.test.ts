// Attacks on the officer's dashboard through the customer values it shows: a
// change request whose proposed name is markup, and a stored name (from the
// CRM, never through the self-service checks) carrying a right-to-left
// override, which without isolation would turn the rest of the line around
// and make the proposed value appear where the current one should be.

import type { Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, type BrowserSession } from './support/browser';
import { startHarness, type Harness } from './support/harness';
import { perFile } from './support/perFile';
import { CONFIRM, PROPOSE } from './support/selfService';

const MARKUP = 'Eve <img src=x onerror=window.pwned=1>';
const OVERRIDE = 'Mallory \u202Eyrollam';

describeInBrowser('customer values in the review queue', () => {
  const site = perFile<{ h: Harness; browser: BrowserSession; origin: string }>(
    async () => {
      const [h, browser] = await Promise.all([startHarness({ customers: 10, env: { PRIVQL_DEMO: '1' } }), launchBrowser()]);
      return { h, browser, origin: new URL(h.server.url).origin };
    },
    async ({ h, browser }) => {
      await browser?.close();
      await h?.close();
    },
  );
  let proposedMarkup = false;

  beforeAll(async () => {
    const { h } = site;
    const [a, b] = (await h.db.knex('customers').select('id').orderBy('id').limit(2)).map((r) => r.id);
    // Customer a proposes markup as a name (if validation lets it through, it reaches the queue).
    const proposed = await h.graphql(PROPOSE, { role: 'CUSTOMER', sub: a, variables: { input: { name: MARKUP } } });
    if (proposed.body.data?.proposeProfileChange && !proposed.body.data.proposeProfileChange.problems.some((p: { field: string; message: string }) => p.field === 'name' && !/officer/.test(p.message))) {
      await h.graphql(CONFIRM, { role: 'CUSTOMER', sub: a, variables: { id: proposed.body.data.proposeProfileChange.id } });
      proposedMarkup = true;
    }
    // Customer b's name as imported holds an override; b asks for a plain one.
    await h.db.knex('customers').where({ id: b }).update({ name: OVERRIDE });
    const plain = await h.graphql(PROPOSE, { role: 'CUSTOMER', sub: b, variables: { input: { name: 'Mallory Plain' } } });
    await h.graphql(CONFIRM, { role: 'CUSTOMER', sub: b, variables: { id: plain.body.data!.proposeProfileChange.id } });
  });

  async function queues(): Promise<Page> {
    const page = await site.browser.context.newPage();
    await page.goto(`${site.origin}/officer/`);
    await page.getByRole('button', { name: 'Sign in as the demo privacy officer' }).click();
    await page.getByRole('button', { name: 'Review queues' }).click();
    await page.locator('#change-queue article').first().waitFor();
    return page;
  }

  test('a proposed name that is markup is shown as its characters and runs nothing', async () => {
    const page = await queues();
    const shown = await page.evaluate(() => ({ imgs: document.querySelectorAll('#change-queue img').length, pwned: (window as unknown as { pwned?: number }).pwned, text: document.getElementById('change-queue')!.textContent }));
    expect(shown.imgs).toBe(0);
    expect(shown.pwned).toBeUndefined();
    if (proposedMarkup) expect(shown.text).toContain(MARKUP);
    await page.close();
  });

  test('a stored value with a right-to-left override does not turn the line around: current value, arrow, proposed value, left to right', async () => {
    const page = await queues();
    const layout = await page.evaluate((override) => {
      const item = Array.from(document.querySelectorAll('#change-queue li')).find((li) => li.textContent!.includes(override))!;
      // The left edge of where each piece of the line is drawn.
      const leftOf = (needle: string) => {
        const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent!.indexOf(needle);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + needle.length);
          return range.getBoundingClientRect().left;
        }
        return NaN;
      };
      return { field: leftOf('name'), arrow: leftOf('→'), proposed: leftOf('Mallory Plain') };
    }, OVERRIDE);
    expect(layout.field).toBeLessThan(layout.arrow);
    expect(layout.arrow).toBeLessThan(layout.proposed);
    await page.close();
  });
});
