// Headless Chromium for the page tests: Debian's /usr/bin/chromium (installed
// by .ci/run) driven by playwright-core, with a fresh profile directory per
// test file. No browser on the machine: the browser tests skip and say so —
// except under CI, which must have one, where its absence fails the run.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = [process.env.PRIVQL_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_PATH: string | null = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!)) ?? null;

/** Either `describe` or `describe.skip` with a message saying why; under CI a missing browser is a failing test. */
export function describeInBrowser(name: string, body: () => void): void {
  if (CHROMIUM_PATH) {
    describe(name, body);
    return;
  }
  const why = `no Chromium found (looked for ${CANDIDATES.filter(Boolean).join(', ')}): install Debian's chromium package (apt-get install chromium) to run the browser tests`;
  if (process.env.CI) {
    test(`${name}: a browser is required under CI`, () => {
      throw new Error(why);
    });
    return;
  }
  console.warn(`SKIPPED browser tests "${name}": ${why}`);
  describe.skip(name, body);
}

export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'privql-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH!,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1024, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const ARTIFACTS = join(__dirname, '..', 'artifacts');

/** What has keyboard focus on `page` (its label, or its text), and whether a focus ring of at least 2 px is drawn around it. */
export function focusedControl(page: Page): Promise<{ name: string; tag: string; ring: boolean }> {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    if (!a || a === document.body) return { name: '', ring: false, tag: 'body' };
    const style = getComputedStyle(a);
    const labelled = a.id ? document.querySelector(`label[for="${a.id}"]`)?.textContent : null;
    const name = (labelled ?? a.getAttribute('aria-label') ?? a.textContent ?? '').trim();
    return { name, tag: a.tagName.toLowerCase(), ring: a.matches(':focus, :focus-within') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
  });
}
