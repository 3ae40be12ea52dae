import { type BrowserContext, chromium } from 'playwright-core';

export const PHONE = { width: 360, height: 740 };

/**
 * A phone-sized Chromium whose profile (IndexedDB, service worker, storage) lives in `dir`.
 * `fakeMicrophone`: Chromium's fake capture device (a beeping tone) answers `getUserMedia`, and
 * the permission prompt is accepted, so a voice note can be recorded.
 */
export function launchPhone(
  dir: string,
  baseURL: string,
  options: { fakeMicrophone?: boolean } = {},
): Promise<BrowserContext> {
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
      ...(options.fakeMicrophone
        ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
        : []),
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
