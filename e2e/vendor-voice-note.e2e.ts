import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginPage } from './pages/login-page.ts';
import { VendorDoor } from './pages/vendor-door.ts';
import { SeedApi, type SeededProduct, type SeededUser, seedProduct, unique } from './support/api.ts';
import { launchBrowser, newContext } from './support/browser.ts';
import { type GapalServer, startGapal } from './support/gapal-server.ts';
import { launchPhone } from './support/phone.ts';

type ServerOrder = {
  id: string;
  has_voice_note: boolean;
  voice_notes: { id: string; duration_ms: number; byte_size: number; content_type: string }[];
};

/** #21: a voice note recorded offline with the phone's microphone reaches the dashboard after its order. */
describe('vendor voice note', () => {
  let server: GapalServer;
  let api: SeedApi;
  let browser: Browser;
  let vendor: SeededUser;
  let manager: SeededUser;
  let product: SeededProduct;
  let profile: string;

  beforeAll(async () => {
    server = await startGapal();
    api = new SeedApi(server.url);
    browser = await launchBrowser();
    vendor = await api.createUser('vendeur', { fullName: 'Salif Kaboré' });
    manager = await api.createUser('gestionnaire_commandes');
    product = await seedProduct(api, { name: `Lait caillé ${unique('')}`, price: 400, stock: 20 });
    profile = mkdtempSync(path.join(tmpdir(), 'gapal-voice-'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function serverOrder(client: string, token: string): Promise<ServerOrder | undefined> {
    const list = await api.call<{ items: { id: string }[] }>(
      'GET',
      `/api/orders/?search=${encodeURIComponent(client)}`,
      undefined,
      token,
    );
    const id = list.items[0]?.id;
    return id ? api.call<ServerOrder>('GET', `/api/orders/${id}/`, undefined, token) : undefined;
  }

  it('records offline, sends the order then the note, and the dashboard plays it', async () => {
    const context = await launchPhone(profile, server.url, { fakeMicrophone: true });
    const page = context.pages()[0] ?? (await context.newPage());
    const sent: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) sent.push(`${request.method()} ${url.pathname}`);
    });
    const app = new VendorDoor(page);
    await app.open();
    await app.signIn(vendor.username, vendor.password);
    await app.waitReady();

    await context.setOffline(true);
    await page.reload();
    await app.network().filter({ hasText: 'Hors ligne' }).waitFor();
    const client = unique('Maquis La Voix ');
    await app.startOrder(client);
    await app.setQuantity(product.name, 3);
    await app.next(); // delivery
    await app.next(); // payment
    await app.next(); // notes

    await page.getByRole('button', { name: 'Démarrer la note vocale' }).click();
    const counter = page.getByTestId('voice-counter');
    await expect.poll(() => counter.textContent(), { timeout: 15_000 }).toMatch(/^0:02 \/ 1:00$/);
    await page.getByRole('button', { name: 'Arrêter la note vocale' }).click();
    await page.getByTestId('voice-playback').waitFor();
    expect(await page.getByTestId('voice-unavailable').count()).toBe(0);
    await app.next();
    expect(await page.getByTestId('review-voice-note').textContent()).toMatch(/Note vocale : 0:0[23]/);
    await app.save(client);
    const card = app.card(client);
    expect(await card.getByTestId('voice-note-state').textContent()).toContain(
      'Note vocale : sur le téléphone',
    );
    expect(sent.filter((request) => request.startsWith('PUT /api/voice-notes/'))).toEqual([]);

    await context.setOffline(false);
    await expect
      .poll(() => card.getByTestId('order-state').textContent(), { timeout: 30_000 })
      .toContain('Envoyée');
    await expect
      .poll(() => card.getByTestId('voice-note-state').textContent(), { timeout: 60_000 })
      .toContain('Note vocale : envoyée');
    // The order went up first; the note after it.
    const push = sent.indexOf('POST /api/sync/push/');
    const upload = sent.findIndex((request) => request.startsWith('PUT /api/voice-notes/'));
    expect(push).toBeGreaterThanOrEqual(0);
    expect(upload).toBeGreaterThan(push);

    const token = (await api.login(manager.username, manager.password)).access_token;
    const order = await serverOrder(client, token);
    expect(order?.has_voice_note).toBe(true);
    expect(order?.voice_notes).toHaveLength(1);
    expect(order?.voice_notes[0]).toMatchObject({ content_type: expect.stringMatching(/^audio\/webm/) });
    expect(order!.voice_notes[0]!.duration_ms).toBeGreaterThan(1_500);
    expect(order!.voice_notes[0]!.byte_size).toBeGreaterThan(1_000);
    await context.close();

    // The manager's dashboard plays it.
    const desk = await newContext(browser, server.url);
    const dashboard = await desk.newPage();
    const login = new LoginPage(dashboard);
    await login.open();
    await login.signIn(manager.username, manager.password);
    await dashboard.getByTestId('current-user').waitFor();
    await dashboard.goto(`/commandes/${order!.id}`);
    const audio = dashboard.locator('audio').first();
    await audio.waitFor({ state: 'attached', timeout: 30_000 });
    // The length the player reads from the file (a MediaRecorder WebM may say Infinity: above zero too).
    const duration = await audio.evaluate(
      (element: HTMLAudioElement) =>
        new Promise<string>((resolve) => {
          const report = () =>
            resolve(
              element.error
                ? `error ${element.error.code} ${element.error.message}`
                : String(element.duration),
            );
          if (element.readyState >= 1 || element.error) report();
          element.addEventListener('loadedmetadata', report, { once: true });
          element.addEventListener('error', report, { once: true });
        }),
    );
    expect(Number(duration), duration).toBeGreaterThan(0);
    await desk.close();
  });
});
