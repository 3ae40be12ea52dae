import { type BrowserContext, chromium } from 'playwright-core';

export const PHONE = { width: 360, height: 740 };

/** A phone-sized Chromium whose profile (IndexedDB, service worker, storage) lives in `dir`. */
export function launchPhone(dir: string, baseURL: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--lang=fr-FR',
    ],
    headless: true,
    baseURL,
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'fr-FR',
    timezoneId: 'Africa/Ouagadougou',
  });
}
