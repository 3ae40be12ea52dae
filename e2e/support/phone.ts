import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { VendorApp } from '../pages/vendor-app.ts';

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

/** Browser profile folders for a file's phones: `make()` one per phone, `removeAll()` after the tests. */
export function phoneProfiles(prefix = 'gapal-phone-') {
  const dirs: string[] = [];
  return {
    make(): string {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    removeAll(): void {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A phone on the profile `dir` with `user` signed in to the vendor app and the first sync done. */
export async function signedInVendorPhone(
  dir: string,
  baseURL: string,
  user: { username: string; password: string },
) {
  const context = await launchPhone(dir, baseURL);
  const page = context.pages()[0] ?? (await context.newPage());
  const app = new VendorApp(page);
  await app.open();
  await app.signIn(user.username, user.password);
  await app.waitReady();
  return { context, page, app };
}
