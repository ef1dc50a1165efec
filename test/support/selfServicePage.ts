// The self-service page tests' shared setup: one server in demo mode and one
// headless Chromium per test file, and the steps every such test takes —
// open the page in a fresh tab, sign in as demo customer n, look up that
// customer's row, save a screenshot for a person to look at.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { demoCustomersInOrder } from '../../src/server/demoCustomers';
import { ARTIFACTS, launchBrowser, type BrowserSession } from './browser';
import { startHarness, type Harness } from './harness';
import { perFile } from './perFile';

export interface SelfServicePage {
  h: Harness;
  browser: BrowserSession;
  /** The page is at `${origin}/`. */
  origin: string;
  /** A fresh tab (its own sessionStorage) on the page, recording what the browser logs while loading and after. */
  openPage(options?: PageOptions): Promise<Page>;
  /** A fresh tab signed in as demo customer `n`, and that customer's row as it is once signed in. */
  signedIn(n: number): Promise<{ page: Page; me: Record<string, any> }>;
  /** Demo customer `n`'s row as the database holds it now (n counts from 1, as in the picker). */
  demoCustomer(n: number): Promise<Record<string, any>>;
}

export interface PageOptions {
  /** Set before the page loads (a phone's screen). */
  viewport?: { width: number; height: number };
  /** The page as it is before its module has loaded (or when it never does): main.js is refused. */
  withoutScript?: boolean;
}

/** Starts the demo-mode server with `customers` seeded, and the browser, for this test file. */
export function selfServicePage(customers: number): SelfServicePage {
  return perFile<SelfServicePage>(
    async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const [h, browser] = await Promise.all([startHarness({ customers, env: { PRIVQL_DEMO: '1' } }), launchBrowser()]);
      const origin = new URL(h.server.url).origin;
      const demoCustomer: SelfServicePage['demoCustomer'] = async (n) => {
        const { id } = await demoCustomersInOrder(h.db.knex).offset(n - 1).first();
        return h.db.knex('customers').where({ id }).first();
      };
      const openPage: SelfServicePage['openPage'] = async ({ viewport, withoutScript } = {}) => {
        const page = await browser.context.newPage();
        const log: Logged[] = [];
        logOf.set(page, log);
        page.on('pageerror', (err) => log.push({ type: 'error', text: err.message }));
        page.on('console', (msg) => {
          // The browser's own ask for /favicon.ico (the page has no icon) 404s in the first tab of a profile only: not the page's doing.
          if (!msg.location().url.endsWith('/favicon.ico')) log.push({ type: msg.type(), text: msg.text() });
        });
        if (viewport) await page.setViewportSize(viewport);
        if (withoutScript) await page.route('**/self-service/main.js', (route) => route.abort());
        await page.goto(`${origin}/`);
        return page;
      };
      return {
        h,
        browser,
        origin,
        openPage,
        async signedIn(n) {
          const page = await openPage();
          await signInAs(page, n);
          return { page, me: await demoCustomer(n) };
        },
        demoCustomer,
      };
    },
    async ({ h, browser }) => {
      await browser?.close();
      await h?.close();
    },
  );
}

interface Logged {
  type: string;
  text: string;
}
const logOf = new WeakMap<Page, Logged[]>();

/** What the browser logged for a page from openPage, of one type ('error' includes what its scripts threw). */
export const logged = (page: Page, type: 'error' | 'warning'): string[] => logOf.get(page)!.filter((m) => m.type === type).map((m) => m.text);

// Chromium logs every 4xx answer as a console error. Under the status rule a
// request the server refuses as a whole (a field the page validates too, say)
// is a 400/403 the page reads and shows like any refusal: not a script error.
// 5xx answers and everything the scripts throw or log still count.
const REFUSAL_LOGGED = /^Failed to load resource: the server responded with a status of 4\d\d /;

/** Script errors (thrown or logged) so far: a page working as it should has none. */
export const jsErrors = (page: Page): string[] => logged(page, 'error').filter((text) => !REFUSAL_LOGGED.test(text));

/** Signs in with the demo picker as demo customer `n` and waits for the profile. */
export async function signInAs(page: Page, n: number): Promise<void> {
  await page.getByLabel('Demo customer').selectOption(String(n));
  await page.getByRole('button', { name: 'Sign in as this customer' }).click();
  await page.getByRole('heading', { name: 'What we hold about you' }).waitFor();
}

/** A full-page screenshot in test/artifacts/, for a person to look at. */
export const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
