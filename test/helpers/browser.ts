import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (no browser is ever downloaded): headless, with a
 * fresh profile removed at close, and nothing that reaches the network on its own. One browser
 * per test file; a context per test.
 */
export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');
const DOCS = join(import.meta.dirname, '..', '..', 'docs');
/** HOLDFAST_SCREENSHOTS_TO_DOCS=1: the screenshots named for the README are written to docs/ instead. */
const TO_DOCS = process.env.HOLDFAST_SCREENSHOTS_TO_DOCS === '1';

export interface TestBrowser {
  browser: Browser;
  /** A new context (its own cookies) and a page in it; closed with the browser. */
  newPage(options?: { viewport?: { width: number; height: number }; hasTouch?: boolean }): Promise<Page>;
  /**
   * Saves a full-page screenshot under test-artifacts/screenshots/ (git-ignored); with
   * HOLDFAST_SCREENSHOTS_TO_DOCS=1 and a `docs` name, the visible part only, as docs/<docs>.png.
   */
  screenshot(page: Page, name: string, options?: { docs?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'holdfast-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // The persistent context owns the profile; pages get contexts of their own from its browser.
  const browser = context.browser();
  const contexts: BrowserContext[] = [];
  return {
    browser: browser!,
    async newPage(options = {}) {
      const pageContext = browser
        ? await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, hasTouch: options.hasTouch ?? false })
        : context;
      if (pageContext !== context) contexts.push(pageContext);
      return pageContext.newPage();
    },
    async screenshot(page, name, options = {}) {
      if (TO_DOCS && options.docs) {
        const path = join(DOCS, `${options.docs}.png`);
        await page.screenshot({ path, fullPage: false, scale: 'css', animations: 'disabled' });
        return path;
      }
      await mkdir(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
