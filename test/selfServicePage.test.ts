// The self-service page (/) in a real browser against the real server in
// demo mode: sign in as a demo customer, read, correct, choose, export.
// Screenshots of each screen go to test/artifacts/ for a person to look at.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, describeInBrowser } from './support/browser';
import { jsErrors, logged, selfServicePage, shot, signInAs } from './support/selfServicePage';

describeInBrowser('the self-service page', () => {
  const site = selfServicePage(40);
  const editField = (page: Page, name: string) => page.locator('#edit-form').getByLabel(name, { exact: true });

  /** On the Correct screen: types `value` into the field and asks for the diff (nothing is saved yet). */
  async function proposeCorrection(page: Page, field: string, value: string): Promise<void> {
    await page.getByRole('button', { name: 'Correct' }).click();
    await editField(page, field).fill(value);
    await page.getByRole('button', { name: 'Check my changes' }).click();
  }

  test('signing in as a demo customer shows their own record, names with accents and apostrophes intact', async () => {
    const page = await site.openPage();
    await shot(page, '01-sign-in');
    await signInAs(page, 1);
    const zoe = await site.demoCustomer(1);
    expect(zoe.name).toBe("Zoë O'Brien");
    await expect(page.locator('#who').textContent()).resolves.toBe("Signed in as Zoë O'Brien");
    await expect(page.locator('dd[data-field="email"]').textContent()).resolves.toBe(zoe.email);
    await expect(page.locator('#orders tbody tr').count()).resolves.toBeGreaterThanOrEqual(3);
    // The token is in this tab's sessionStorage, never in the address bar.
    expect(page.url()).toBe(`${site.origin}/`);
    await shot(page, '02-profile');
    await page.close();
  });

  test('a pasted access token signs in, and the token is in no URL the page shows or requests', async () => {
    const me = await site.demoCustomer(7);
    const token = await site.h.token('CUSTOMER', { sub: me.id });
    const page = await site.openPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.getByLabel('Access token from your sign-in provider').fill(token);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('heading', { name: 'What we hold about you' }).waitFor();
    await expect(page.locator('#who').textContent()).resolves.toBe(`Signed in as ${me.name}`);
    expect(page.url()).toBe(`${site.origin}/`);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => url.includes(token))).toEqual([]);
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('a form sent before the page\'s script has loaded puts the token in no URL', async () => {
    const token = await site.h.token('CUSTOMER', { sub: (await site.demoCustomer(7)).id });
    const page = await site.openPage({ withoutScript: true });
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.getByLabel('Access token from your sign-in provider').fill(token);
    // The browser's own submission: refused by the CSP's form-action, or sent as a POST; either way it is over when this settles.
    const submitted = Promise.race([page.waitForEvent('console', (m) => m.text().includes('form-action')), page.waitForRequest((r) => r.isNavigationRequest())]);
    // noWaitAfter: a submission the CSP refuses is a navigation that never finishes.
    await page.getByRole('button', { name: 'Sign in with token' }).click({ noWaitAfter: true });
    await submitted;
    await page.waitForLoadState();
    expect(new URL(page.url()).search).toBe('');
    expect(urls.filter((url) => url.includes(token) || new URL(url).search !== '')).toEqual([]);
    await page.close();
  });

  test('the browser denies the page camera, microphone, location, payment, USB and interest tracking, and knows every feature the policy names', async () => {
    const page = await site.openPage();
    const allowed = await page.evaluate(() => {
      const policy = (document as unknown as { featurePolicy: { allowsFeature(feature: string): boolean } }).featurePolicy;
      return ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'interest-cohort', 'browsing-topics'].filter((f) => policy.allowsFeature(f));
    });
    expect(allowed).toEqual([]);
    // Chromium ignores a name it does not know (a misspelt one would deny nothing) and says so in a warning.
    expect(logged(page, 'warning').filter((w) => w.includes('Permissions-Policy'))).toEqual([]);
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('correcting the email: the diff shows before and after, nothing is written until confirmed, then it is applied', async () => {
    const { page, me: before } = await site.signedIn(3);
    await proposeCorrection(page, 'Email', 'new.address@example.org');
    const row = page.locator('#diff tbody tr');
    await row.first().waitFor();
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('th, td').allTextContents()).resolves.toEqual(['Email', before.email, 'new.address@example.org']);
    await shot(page, '03-correct-diff');
    expect((await site.demoCustomer(3)).email).toBe(before.email);

    await page.getByRole('button', { name: 'Confirm and save' }).click();
    await page.locator('#status', { hasText: 'Saved. Your details are updated.' }).waitFor();
    expect((await site.demoCustomer(3)).email).toBe('new.address@example.org');
    const read = await site.h.graphql('query($id: ID!) { customer(id: $id) { email } }', { role: 'AGENT', variables: { id: before.id } });
    expect(read.body.data?.customer.email).toBe('new.address@example.org');
    await page.getByRole('button', { name: 'Profile' }).click();
    await expect(page.locator('dd[data-field="email"]').textContent()).resolves.toBe('new.address@example.org');
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('an invalid email is refused beside its field and nothing is written', async () => {
    const { page, me: before } = await site.signedIn(4);
    await proposeCorrection(page, 'Email', 'not-an-email');
    await page.locator('#alert:not([hidden])').waitFor();
    await expect(editField(page, 'Email').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#edit-email-problem').textContent()).resolves.not.toBe('');
    await expect(page.locator('#alert').textContent()).resolves.toMatch(/^Nothing was saved\. Email: /);
    await expect(page.locator('#proposal').isHidden()).resolves.toBe(true);
    await shot(page, '03b-correct-invalid');
    expect(await site.demoCustomer(4)).toEqual(before);
    await page.close();
  });

  test('a hostile string is only ever text: refused as a city, and shown as characters when the record already holds one', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    // As if another system had written it: the page must not trust what the record holds either.
    await site.h.db.knex('customers').where({ id: (await site.demoCustomer(5)).id }).update({ street: hostile });
    const { page, me } = await site.signedIn(5);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await expect(page.locator('dd[data-field="street"]').textContent()).resolves.toBe(hostile);

    await proposeCorrection(page, 'City', hostile);
    await page.locator('#alert:not([hidden])').waitFor();
    await expect(page.locator('#alert').textContent()).resolves.toMatch(/^Nothing was saved\. City: /);
    await expect(editField(page, 'City').getAttribute('aria-invalid')).resolves.toBe('true');

    await editField(page, 'City').fill(me.city);
    await editField(page, 'Street').fill('1 Main Street');
    await page.getByRole('button', { name: 'Check my changes' }).click();
    await expect(page.locator('#diff td.from').textContent()).resolves.toBe(hostile);
    await expect(page.locator('img').count()).resolves.toBe(0);
    expect(dialogs).toBe(0);
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('ticking "No direct marketing" removes the customer from the very next marketing query; unticking brings them back', async () => {
    const { page, me } = await site.signedIn(1);
    const marketerSees = async () => {
      const res = await site.h.graphql('{ customers(first: 500) { nodes { id } } }', { role: 'MARKETER' });
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
    const { page, me } = await site.signedIn(6);
    await page.getByRole('button', { name: 'Choices' }).click();
    const consent = page.getByRole('checkbox', { name: /^I consent to the company counting the ethnicity and religion/ });
    await consent.waitFor();
    const given = !(await consent.isChecked());
    await consent.setChecked(given);
    await page.locator('#status', { hasText: given ? 'consent given' : 'Consent withdrawn' }).waitFor();
    const res = await site.h.graphql('{ me { optOuts { sensitiveDataUse } optOutHistory { kind optedOut wording } } }', { role: 'CUSTOMER', sub: me.id });
    expect(res.body.data!.me.optOuts.sensitiveDataUse).toBe(!given);
    expect(res.body.data!.me.optOutHistory[0]).toMatchObject({ kind: 'SENSITIVE_DATA_USE', optedOut: !given });
    if (given) expect(res.body.data!.me.optOutHistory[0].wording).toMatch(/^sensitive-data-use-v\d+$/);
    await page.close();
  });

  test('contact preferences: allowed channels and the preferred one are saved', async () => {
    const { page, me } = await site.signedIn(2);
    await page.getByRole('button', { name: 'Choices' }).click();
    for (const name of ['Email', 'Phone call', 'Text message (SMS)', 'Post']) await page.locator('#channels').getByLabel(name).setChecked(name === 'Email' || name === 'Post');
    await page.locator('#preferred').getByLabel('Post').check();
    await page.getByRole('button', { name: 'Save contact preferences' }).click();
    await page.locator('#status', { hasText: 'Contact preferences saved.' }).waitFor({ timeout: 5000 }).catch(async (err) => {
      throw new Error(`${err.message}\nalert: ${await page.locator('#alert').textContent()}\nstatus: ${await page.locator('#status').textContent()}`);
    });
    const res = await site.h.graphql('{ me { contactPreferences { channels preferred } } }', { role: 'CUSTOMER', sub: me.id });
    expect(res.body.data!.me.contactPreferences).toEqual({ channels: ['EMAIL', 'POST'], preferred: 'POST' });
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('the export downloads as a .json file holding the profile, the opt-out history and the access history', async () => {
    const { page, me } = await site.signedIn(1);
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
    const { page, me } = await site.signedIn(6);
    const requests = () => site.h.db.knex('erasure_requests').where({ customer_id: me.id });
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
    const { page, me } = await site.signedIn(2);
    const read = await site.h.graphql('query($id: ID!) { customer(id: $id) { name email } }', { role: 'AGENT', variables: { id: me.id } });
    expect(read.body.data?.customer.email).toBe(me.email);
    await page.getByRole('button', { name: 'Who saw it' }).click();
    const entries = page.locator('#access li');
    await entries.first().waitFor();
    // The id it was looked up by is a detail it used (test/comparedRecord.test.ts).
    await expect(entries.first().textContent()).resolves.toMatch(/A customer service agent using crm-console, for customer service: looked at 3 details\.\s*Email, Customer id, Name: in full/);
    await expect(entries.first().locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
    // The page's own read at sign-in comes after it, in the past.
    await expect(entries.nth(1).textContent()).resolves.toMatch(/You, on this page: looked at \d+ details/);
    await shot(page, '06-who-accessed');
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  // Last in this file: once a notice is published every later sign-in shows the prompt.
  test('a newly published privacy notice is shown as a prompt with what changed, until the customer acknowledges it', async () => {
    const before = await site.signedIn(3);
    expect(await before.page.locator('#notice-prompt').isHidden()).toBe(true); // nothing published: no prompt for the draft
    await before.page.close();
    const published = await site.h.graphql('mutation { publishPrivacyNotice { status version } }', { role: 'OFFICER' });
    expect(published.body.data!.publishPrivacyNotice).toEqual({ status: 'PUBLISHED', version: expect.any(Number) });
    const { version } = published.body.data!.publishPrivacyNotice;

    const { page, me } = await site.signedIn(3);
    const prompt = page.locator('#notice-prompt');
    await prompt.waitFor();
    await expect(prompt.textContent()).resolves.toContain(`Version ${version}`);
    await expect(prompt.locator('li').count()).resolves.toBeGreaterThan(0);
    await shot(page, '07-notice-prompt');
    await page.getByRole('button', { name: 'I have read it' }).click();
    await page.locator('#status', { hasText: `acknowledged version ${version}` }).waitFor();
    expect(await prompt.isHidden()).toBe(true);
    expect(await site.h.db.knex('notice_acknowledgements').where({ customer_id: me.id })).toEqual([expect.objectContaining({ version })]);
    expect(jsErrors(page)).toEqual([]);
    await page.close();

    const again = await site.signedIn(3);
    expect(await again.page.locator('#notice-prompt').isHidden()).toBe(true);
    await again.page.close();
  });
});
