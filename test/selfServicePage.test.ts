// The self-service page (/) in a real browser against the real server in
// demo mode: sign in as a demo customer, read, correct, choose, export.
// Screenshots of each screen go to test/artifacts/ for a person to look at.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, describeInBrowser, launchBrowser, type BrowserSession } from './support/browser';
import { demoCustomersInOrder } from '../src/server/demoCustomers';
import { startHarness, type Harness } from './support/harness';

describeInBrowser('the self-service page', () => {
  let h: Harness;
  let browser: BrowserSession;
  let origin: string;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [h, browser] = await Promise.all([startHarness({ customers: 40, env: { PRIVQL_DEMO: '1' } }), launchBrowser()]);
    origin = new URL(h.server.url).origin;
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** A fresh tab (its own sessionStorage) signed in as demo customer `n`; page errors fail the test. */
  async function signedIn(n: number): Promise<Page> {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    (page as Page & { jsErrors: string[] }).jsErrors = errors;
    await page.goto(`${origin}/`);
    await page.getByLabel('Demo customer').selectOption(String(n));
    await page.getByRole('button', { name: 'Sign in as this customer' }).click();
    await page.getByRole('heading', { name: 'What we hold about you' }).waitFor();
    return page;
  }
  const editField = (page: Page, name: string) => page.locator('#edit-form').getByLabel(name, { exact: true });
  const jsErrors = (page: Page) => (page as Page & { jsErrors: string[] }).jsErrors;
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function demoCustomer(n: number) {
    const { id } = await demoCustomersInOrder(h.db.knex).offset(n - 1).first();
    return h.db.knex('customers').where({ id }).first();
  }

  test('signing in as a demo customer shows their own record, names with accents and apostrophes intact', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${origin}/`);
    await shot(page, '01-sign-in');
    await page.getByLabel('Demo customer').selectOption('1');
    await page.getByRole('button', { name: 'Sign in as this customer' }).click();
    await page.getByRole('heading', { name: 'What we hold about you' }).waitFor();
    const zoe = await demoCustomer(1);
    expect(zoe.name).toBe("Zoë O'Brien");
    await expect(page.locator('#who').textContent()).resolves.toBe("Signed in as Zoë O'Brien");
    await expect(page.locator('dd[data-field="email"]').textContent()).resolves.toBe(zoe.email);
    await expect(page.locator('#orders tbody tr').count()).resolves.toBeGreaterThanOrEqual(3);
    // The token is in this tab's sessionStorage, never in the address bar.
    expect(page.url()).toBe(`${origin}/`);
    await shot(page, '02-profile');
    await page.close();
  });

  test('correcting the email: the diff shows before and after, nothing is written until confirmed, then it is applied', async () => {
    const page = await signedIn(3);
    const before = await demoCustomer(3);
    await page.getByRole('button', { name: 'Correct' }).click();
    await editField(page, 'Email').fill('new.address@example.org');
    await page.getByRole('button', { name: 'Check my changes' }).click();
    const row = page.locator('#diff tbody tr');
    await row.first().waitFor();
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('th, td').allTextContents()).resolves.toEqual(['Email', before.email, 'new.address@example.org']);
    await shot(page, '03-correct-diff');
    expect((await demoCustomer(3)).email).toBe(before.email);

    await page.getByRole('button', { name: 'Confirm and save' }).click();
    await page.locator('#status', { hasText: 'Saved. Your details are updated.' }).waitFor();
    expect((await demoCustomer(3)).email).toBe('new.address@example.org');
    const read = await h.graphql('query($id: ID!) { customer(id: $id) { email } }', { role: 'AGENT', variables: { id: before.id } });
    expect(read.body.data?.customer.email).toBe('new.address@example.org');
    await page.getByRole('button', { name: 'Profile' }).click();
    await expect(page.locator('dd[data-field="email"]').textContent()).resolves.toBe('new.address@example.org');
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('an invalid email is refused beside its field and nothing is written', async () => {
    const page = await signedIn(4);
    const before = await demoCustomer(4);
    await page.getByRole('button', { name: 'Correct' }).click();
    await editField(page, 'Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Check my changes' }).click();
    await page.locator('#alert:not([hidden])').waitFor();
    await expect(editField(page, 'Email').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#edit-email-problem').textContent()).resolves.not.toBe('');
    await expect(page.locator('#alert').textContent()).resolves.toMatch(/^Nothing was saved\. Email: /);
    await expect(page.locator('#proposal').isHidden()).resolves.toBe(true);
    await shot(page, '03b-correct-invalid');
    expect(await demoCustomer(4)).toEqual(before);
    await page.close();
  });

  test('a hostile string is only ever text: refused as a city, and shown as characters when the record already holds one', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    // As if another system had written it: the page must not trust what the record holds either.
    await h.db.knex('customers').where({ id: (await demoCustomer(5)).id }).update({ street: hostile });
    const page = await signedIn(5);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await expect(page.locator('dd[data-field="street"]').textContent()).resolves.toBe(hostile);

    await page.getByRole('button', { name: 'Correct' }).click();
    await editField(page, 'City').fill(hostile);
    await page.getByRole('button', { name: 'Check my changes' }).click();
    await page.locator('#alert:not([hidden])').waitFor();
    await expect(page.locator('#alert').textContent()).resolves.toMatch(/^Nothing was saved\. City: /);
    await expect(editField(page, 'City').getAttribute('aria-invalid')).resolves.toBe('true');

    await editField(page, 'City').fill((await demoCustomer(5)).city);
    await editField(page, 'Street').fill('1 Main Street');
    await page.getByRole('button', { name: 'Check my changes' }).click();
    await expect(page.locator('#diff td.from').textContent()).resolves.toBe(hostile);
    await expect(page.locator('img').count()).resolves.toBe(0);
    expect(dialogs).toBe(0);
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('ticking "No direct marketing" removes the customer from the very next marketing query; unticking brings them back', async () => {
    const page = await signedIn(1);
    const me = await demoCustomer(1);
    const marketerSees = async () => {
      const res = await h.graphql('{ customers(first: 500) { nodes { id } } }', { role: 'MARKETER' });
      return res.body.data!.customers.nodes.some((n: { id: string }) => n.id === me.id);
    };
    expect(await marketerSees()).toBe(true);
    await page.getByRole('button', { name: 'Choices' }).click();
    const box = page.getByRole('checkbox', { name: /No direct marketing/ });
    await box.waitFor();
    await expect(box.isChecked()).resolves.toBe(false);
    await box.check();
    await page.locator('#status', { hasText: 'No direct marketing: on' }).waitFor();
    expect(await marketerSees()).toBe(false);
    await expect(page.locator('#choice-history li').first().textContent()).resolves.toMatch(/No direct marketing: on \(self-service\)/);
    await shot(page, '04-choices');
    await box.uncheck();
    await page.locator('#status', { hasText: 'No direct marketing: off' }).waitFor();
    expect(await marketerSees()).toBe(true);
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('consent to sensitive-data use is its own box with the wording agreed to, and is recorded with its version', async () => {
    const page = await signedIn(6);
    const me = await demoCustomer(6);
    await page.getByRole('button', { name: 'Choices' }).click();
    const consent = page.getByRole('checkbox', { name: /^I consent to the company using the ethnicity and religion/ });
    await consent.waitFor();
    const given = !(await consent.isChecked());
    await consent.setChecked(given);
    await page.locator('#status', { hasText: given ? 'consent given' : 'Consent withdrawn' }).waitFor();
    const res = await h.graphql('{ me { optOuts { sensitiveDataUse } optOutHistory { kind optedOut wording } } }', { role: 'CUSTOMER', sub: me.id });
    expect(res.body.data!.me.optOuts.sensitiveDataUse).toBe(!given);
    expect(res.body.data!.me.optOutHistory[0]).toMatchObject({ kind: 'SENSITIVE_DATA_USE', optedOut: !given });
    if (given) expect(res.body.data!.me.optOutHistory[0].wording).toMatch(/^sensitive-data-use-v\d+$/);
    await page.close();
  });

  test('contact preferences: allowed channels and the preferred one are saved', async () => {
    const page = await signedIn(2);
    const me = await demoCustomer(2);
    await page.getByRole('button', { name: 'Choices' }).click();
    for (const name of ['Email', 'Phone call', 'Text message (SMS)', 'Post']) await page.locator('#channels').getByLabel(name).setChecked(name === 'Email' || name === 'Post');
    await page.locator('#preferred').getByLabel('Post').check();
    await page.getByRole('button', { name: 'Save contact preferences' }).click();
    await page.locator('#status', { hasText: 'Contact preferences saved.' }).waitFor({ timeout: 5000 }).catch(async (err) => {
      throw new Error(`${err.message}\nalert: ${await page.locator('#alert').textContent()}\nstatus: ${await page.locator('#status').textContent()}`);
    });
    const res = await h.graphql('{ me { contactPreferences { channels preferred } } }', { role: 'CUSTOMER', sub: me.id });
    expect(res.body.data!.me.contactPreferences).toEqual({ channels: ['EMAIL', 'POST'], preferred: 'POST' });
    await page.close();
  });

  test('the export downloads as a .json file holding the profile, the opt-out history and the access history', async () => {
    const page = await signedIn(1);
    const me = await demoCustomer(1);
    await page.getByRole('button', { name: 'Export or erase' }).click();
    await shot(page, '07-export-erase');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d\d-\d\d\.json$/);
    const file = join(ARTIFACTS, 'export.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    const text = JSON.stringify(exported);
    expect(text).toContain(me.email);
    expect(text).toContain(me.id);
    expect(text).toMatch(/optOutHistory|opt_out_history/);
    expect(text).toMatch(/accessHistory|access_history/);
    await page.close();
  });

  test('erasure asks for confirmation first; cancelling changes nothing, confirming records the request', async () => {
    const page = await signedIn(6);
    const me = await demoCustomer(6);
    const requests = () => h.db.knex('erasure_requests').where({ customer_id: me.id });
    await page.getByRole('button', { name: 'Export or erase' }).click();
    await page.getByRole('button', { name: 'Request erasure…' }).click();
    await expect(page.getByLabel('I understand that erasure cannot be undone').isChecked()).resolves.toBe(false);
    await shot(page, '08-erase-confirm');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await requests()).toHaveLength(0);

    await page.getByRole('button', { name: 'Request erasure…' }).click();
    await page.getByRole('button', { name: 'Yes, erase my data' }).click();
    await expect(page.locator('#alert').textContent()).resolves.toMatch(/Tick "I understand/);
    expect(await requests()).toHaveLength(0);
    await page.getByLabel('I understand that erasure cannot be undone').check();
    await page.getByRole('button', { name: 'Yes, erase my data' }).click();
    await page.locator('#erase-result:not([hidden])').waitFor();
    await expect(page.locator('#erase-result').textContent()).resolves.toMatch(/You asked for erasure on/);
    expect(await requests()).toHaveLength(1);
    await page.close();
  });

  test('"who accessed my data" shows an agent\'s read of the record in words, newest first', async () => {
    const page = await signedIn(2);
    const me = await demoCustomer(2);
    const read = await h.graphql('query($id: ID!) { customer(id: $id) { name email } }', { role: 'AGENT', variables: { id: me.id } });
    expect(read.body.data?.customer.email).toBe(me.email);
    await page.getByRole('button', { name: 'Who saw it' }).click();
    const entries = page.locator('#access li');
    await entries.first().waitFor();
    await expect(entries.first().textContent()).resolves.toMatch(/A customer service agent using crm-console, for customer service: looked at 2 details\.\s*(Name, Email|Email, Name): in full/);
    await expect(entries.first().locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
    // The page's own read at sign-in comes after it, in the past.
    await expect(entries.nth(1).textContent()).resolves.toMatch(/You, on this page: looked at \d+ details/);
    await shot(page, '06-who-accessed');
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });
});
