import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { LoginPage } from '../pages/login-page.ts';
import { SeedApi, type SeededUser } from './api.ts';
import { launchBrowser, newContext } from './browser.ts';
import { type GapalServer, startGapal } from './gapal-server.ts';

export type E2e = {
  server: GapalServer;
  browser: Browser;
  api: SeedApi;
  /** A fresh context and page per test. */
  context: BrowserContext;
  page: Page;
  /** Signs a seeded user in through the login screen and waits for the dashboard. */
  signIn(user: { username: string; password: string }, page?: Page): Promise<void>;
  /** A second, independent browser window (another person at another PC). */
  newPage(): Promise<Page>;
};

/** One server and one browser per file; a clean browser context for every test. */
export function useE2e(): E2e {
  const e2e = {} as E2e;
  const extraContexts: BrowserContext[] = [];
  beforeAll(async () => {
    e2e.server = await startGapal();
    e2e.browser = await launchBrowser();
    e2e.api = new SeedApi(e2e.server.url);
  });
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.server?.close();
  });
  beforeEach(async () => {
    e2e.context = await newContext(e2e.browser, e2e.server.url);
    e2e.page = await e2e.context.newPage();
    e2e.signIn = async (user: SeededUser | { username: string; password: string }, page = e2e.page) => {
      const login = new LoginPage(page);
      await login.open();
      await login.signIn(user.username, user.password);
      await page.getByTestId('current-user').waitFor();
    };
    e2e.newPage = async () => {
      const context = await newContext(e2e.browser, e2e.server.url);
      extraContexts.push(context);
      return context.newPage();
    };
  });
  afterEach(async () => {
    for (const context of extraContexts.splice(0)) await context.close();
    await e2e.context?.close();
  });
  return e2e;
}
