import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it, type TestContext } from 'vitest';
import type { Config } from '../../server/config.js';
import { createTestApp, type TestApp } from './app.js';
import { freePort } from './net.js';

/** The distribution's Chromium (Debian: `apt-get install -y chromium`); no Playwright browser download. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const inCi = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase());
const chromiumMissing = !existsSync(CHROMIUM_PATH);
const installHint = `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\``;

/**
 * Without Chromium, a developer machine skips the browser suites, saying so; CI must not skip them:
 * the test file then registers one failing test (missingChromiumError), so the run is red and counted
 * as a failure (a throwing beforeAll would only mark the tests skipped).
 */
export const skipBrowserTests = chromiumMissing;
export const missingChromiumError = chromiumMissing && inCi ? `${installHint} (browser tests are never skipped when CI is set).` : undefined;
if (chromiumMissing && !inCi) console.warn(`[browser] ${installHint}. Browser tests SKIPPED (they fail instead when CI is set).`);

/** One headless Chromium per test file; launch() gives it a fresh, throw-away profile. */
export async function launchChromium(): Promise<Browser> {
  if (chromiumMissing) throw new Error(`${installHint}.`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Collects what a user would never see but should worry us: console errors (CSP violations
 * included), uncaught exceptions, and same-origin requests that fail (other than the browser's own
 * cancellations) or answer >= 400.
 * Returns the live list; assert it is empty once the page has settled.
 */
export function watchPage(page: Page, origin: string): string[] {
  const problems: string[] = [];
  const sameOrigin = (url: string) => {
    try {
      return new URL(url).origin === origin;
    } catch {
      return false;
    }
  };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url || page.url()})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message} (${page.url()})`));
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText;
    // ERR_ABORTED is the browser cancelling a load itself: a navigation away while the favicon or an
    // image was still loading. A failing server shows as a status (below) or a connection error; a
    // cancelled navigation makes goto()/waitForURL() throw in the test itself.
    if (error === 'net::ERR_ABORTED') return;
    if (sameOrigin(request.url())) problems.push(`request failed: ${request.method()} ${request.url()}: ${error}`);
  });
  page.on('response', (response) => {
    if (sameOrigin(response.url()) && response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return problems;
}

export interface A11yViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * axe-core's serious and critical violations on the current page. axe is evaluated through the
 * DevTools protocol rather than a <script> tag: the app's CSP (script-src 'self') rightly refuses inline
 * scripts, and turning the CSP off (bypassCSP) would hide the app's own violations from watchPage().
 */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  await page.evaluate(axe.source);
  // The callback runs in the page: `window.axe`, not the Node import (whose name the test transform rewrites).
  const result = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

/** One readable line per violation, for assertion messages. */
export function describeViolations(violations: A11yViolation[]): string {
  return violations.map((v) => `${v.id} [${v.impact}] ${v.help}: ${v.targets.join(', ')}`).join('\n');
}

export interface Overflow {
  scrollWidth: number;
  innerWidth: number;
  /**
   * Elements sticking out on the right, to point at the culprit. Those inside a scrolling or clipping
   * box are left out (they scroll within it), unless positioned absolutely: such an element escapes a
   * box that is not positioned, and is then often the very culprit.
   */
  offenders: string[];
}

/** Horizontal overflow of the current page's document (a mobile layout must have none). */
export function horizontalOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const offenders: string[] = [];
    const insideClippingBox = (element: Element) => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX !== 'visible') return true;
      }
      return false;
    };
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const right = element.getBoundingClientRect().right;
      const escapes = () => ['absolute', 'fixed'].includes(getComputedStyle(element).position) || !insideClippingBox(element);
      if (right > innerWidth + 0.5 && offenders.length < 10 && escapes()) {
        const classes = element.getAttribute('class');
        offenders.push(`${element.tagName.toLowerCase()}${classes ? '.' + classes.trim().split(/\s+/).join('.') : ''} (right=${Math.round(right)})`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, offenders };
  });
}

/** CI without Chromium: one failing test, so the run is red (see missingChromiumError). */
export function failWithoutChromium(): void {
  if (missingChromiumError) {
    it('Chromium is installed for the browser tests', () => {
      throw new Error(missingChromiumError);
    });
  }
}

export interface BrowserApp {
  /** The app under test (available once the suite's beforeAll has run). */
  readonly app: TestApp;
  originOf(host: string): string;
  /** A fresh context (no shared cookies or cache, closed after the test) and a page whose problems are recorded. */
  openPage(host: string, viewport?: { width: number; height: number }, contextOptions?: BrowserContextOptions): Promise<{ page: Page; problems: string[] }>;
  expectAccessible(page: Page): Promise<void>;
}

export interface BrowserAppOptions {
  /** Configuration overrides, read when the app starts (after the file's earlier beforeAll hooks). */
  config?: () => Partial<Config>;
  /** The pages' clock (BuildOptions.clock). */
  clock?: () => Date;
}

/**
 * Call inside a describe: one Chromium and one real app listening on 127.0.0.1 for the block
 * (Chromium resolves *.localhost to the loopback by itself).
 */
export function useBrowserApp(options: BrowserAppOptions = {}): BrowserApp {
  let testApp: TestApp | undefined;
  let browser: Browser | undefined;
  let port = 0;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    testApp = await createTestApp(options.config?.() ?? {}, { clock: options.clock });
    port = await freePort();
    await testApp.app.listen({ host: '127.0.0.1', port });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const originOf = (host: string) => `http://${host}:${port}`;
  return {
    get app() {
      if (!testApp) throw new Error('useBrowserApp: the app is not started yet');
      return testApp;
    },
    originOf,
    async openPage(host, viewport = { width: 1280, height: 800 }, contextOptions = {}) {
      const context = await browser!.newContext({ viewport, locale: 'fr-FR', ...contextOptions });
      contexts.push(context);
      const page = await context.newPage();
      return { page, problems: watchPage(page, originOf(host)) };
    },
    async expectAccessible(page) {
      const violations = await seriousA11yViolations(page);
      expect(violations, `axe: serious/critical violations on ${page.url()}:\n${describeViolations(violations)}`).toEqual([]);
    },
  };
}

/** The two widths every page is checked at: a small phone and a common laptop. */
export const PHONE = { width: 375, height: 740 };
export const DESKTOP = { width: 1366, height: 900 };

/** Where screenshots for review go (git-ignored); one folder per test file. */
export const SCREENSHOT_DIR = path.join(process.cwd(), 'test-results', 'screenshots');

/**
 * A screenshot (full page unless told) under test-results/screenshots/<group>/<name>.png, attached to
 * the running test (vitest's annotation lists the file in the report); returns its path.
 */
export async function screenshot(page: Page, group: string, name: string, annotate?: TestContext['annotate'], options: { fullPage?: boolean } = {}): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, group, `${name.replace(/[^a-z0-9_-]+/gi, '-')}.png`);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  if (annotate) await annotate(`capture : ${path.relative(process.cwd(), file)}`, { path: file, contentType: 'image/png' });
  return file;
}
