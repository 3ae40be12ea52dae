import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrdersListPage } from './pages/orders-pages.ts';
import { VendorApp } from './pages/vendor-app.ts';
import { seedOrder } from './support/api.ts';
import { type AxeViolation, a11yViolations, clippedControls, screenshot } from './support/browser.ts';
import { type BusySite, seedBusySite } from './support/busy-site.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';
import { launchPhone } from './support/phone.ts';

/** Waits until the screen has its data: no skeleton row or placeholder tile left. */
async function settle(page: Page, marker?: string): Promise<void> {
  if (marker) await page.locator(marker).first().waitFor();
  await page.waitForFunction(
    () =>
      !document.querySelector('.animate-pulse') &&
      !document.body.innerText.includes('Chargement…') &&
      [...document.querySelectorAll('[data-testid^="stat-"]')].every((stat) => stat.textContent !== '…'),
  );
}

/** One screen of the dashboard: where it is, and what shows that its data is there. */
type Screen = { name: string; open(page: Page): Promise<void> };

const EXPIRING_LOT = '[data-testid="expiring-list"] [data-testid^="lot-"]';

function dashboardScreens(site: BusySite): Screen[] {
  const visit = (name: string, url: string, marker?: string): Screen => ({
    name,
    async open(page) {
      await page.goto(url);
      await page.locator('h1').first().waitFor();
      await settle(page, marker);
    },
  });
  const { orders } = site;
  return [
    visit('home', '/', '[data-testid="stat-low-stock"]'),
    visit('orders', '/commandes', `[data-testid="order-row-${orders.fresh.number}"]`),
    visit('order detail', `/commandes/${orders.onTheWay.id}`, '[data-testid="voice-note"] audio'),
    visit('delivered order', `/commandes/${orders.delivered.id}`, '[data-testid="order-history-entry"]'),
    visit('delivery note', `/commandes/${orders.delivered.id}/bon`),
    visit('new order', '/commandes/nouvelle'),
    visit('order edit', `/commandes/${orders.fresh.id}/modifier`, '[data-testid="order-line"]'),
    visit('stock levels', '/stock', EXPIRING_LOT),
    {
      name: 'movements',
      async open(page) {
        await visit('', '/stock', EXPIRING_LOT).open(page);
        await page.getByRole('tab', { name: 'Mouvements' }).click();
        await settle(page, '[data-testid="movement-row"]');
      },
    },
    visit('clients', '/clients', `[data-testid="client-row-${site.client.name}"]`),
    visit('client', `/clients/${site.client.id}`, '[data-testid="statement-opening"]'),
    {
      name: 'client merge',
      async open(page) {
        await visit('', `/clients/${site.client.id}`, '[data-testid="statement-opening"]').open(page);
        await page.getByRole('button', { name: 'Fusionner…' }).click();
        await settle(page, 'dialog[open] input[type="search"]');
      },
    },
    visit('products', '/produits', `[data-testid="product-row-${site.products[1]!.name}"]`),
    {
      name: 'lots',
      async open(page) {
        await visit('', '/produits', `[data-testid="product-row-${site.products[1]!.name}"]`).open(page);
        await page.getByRole('button', { name: `Lots — ${site.products[1]!.name}` }).click();
        await settle(page, '[data-testid="lot-row"]');
      },
    },
    {
      name: 'categories',
      async open(page) {
        await visit('', '/produits', 'tbody tr').open(page);
        await page.getByRole('button', { name: 'Catégories', exact: true }).click();
        await settle(page, 'dialog[open] li');
      },
    },
    {
      name: 'notifications',
      async open(page) {
        await visit('', '/', '[data-testid="notification-badge"]').open(page);
        await page.getByTestId('notification-bell').click();
        await settle(page, '[data-testid="notification-item"]');
      },
    },
    visit('users', '/admin/utilisateurs', `[data-testid="user-row-${site.vendor.username}"]`),
    visit('sites', '/admin/sites', '[data-testid^="site-row-"]'),
    visit('devices', '/admin/appareils', '[data-testid^="device-row-"]'),
    visit('audit', '/admin/audit', '[data-testid="audit-row"]'),
    visit('reports', '/rapports', '[data-testid^="export-"]'),
  ];
}

/** Violations by screen, only for the screens that have some: `{}` when all is clean. */
function byScreen(found: [string, AxeViolation[]][]): Record<string, AxeViolation[]> {
  return Object.fromEntries(found.filter(([, violations]) => violations.length > 0));
}

describe('screens with a busy site’s data', () => {
  const e2e = useE2e();
  let site: BusySite;
  const profiles: string[] = [];

  beforeAll(async () => {
    site = await seedBusySite(e2e.api);
  });
  afterAll(() => {
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  });

  it('labels every filter of the orders list visibly, and shows the whole search hint', async () => {
    await e2e.signIn(ADMIN);
    const list = new OrdersListPage(e2e.page);
    for (const width of [1024, 1366]) {
      await e2e.page.setViewportSize({ width, height: 768 });
      await list.open();
      await settle(e2e.page, `[data-testid="order-row-${site.orders.fresh.number}"]`);
      // Each date field has a visible label that says which period and which end it is.
      for (const [group, label] of [
        ['Période de création', 'Créée du'],
        ['Période de création', 'au'],
        ['Livraison prévue', 'Livraison du'],
        ['Livraison prévue', 'au'],
      ] as const) {
        const field = list.dateFilter(group, label);
        expect(await field.getAttribute('type')).toBe('date');
        const shown = await field.evaluate((input: HTMLInputElement) => {
          const text = input.labels?.[0];
          if (!text) return false;
          const box = text.getBoundingClientRect();
          return box.width > 0 && box.height > 0 && !text.closest('.sr-only');
        });
        expect(shown, `« ${label} » (${group}) is shown at ${width} px`).toBe(true);
      }
      // The search field's hint fits inside it.
      const search = e2e.page.getByRole('searchbox');
      const fits = await search.evaluate((input: HTMLInputElement) => {
        const style = getComputedStyle(input);
        const context = document.createElement('canvas').getContext('2d')!;
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room =
          input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
        return { hint: input.placeholder, room, needs: context.measureText(input.placeholder).width };
      });
      expect(fits.hint.length).toBeGreaterThan(0);
      expect(fits.needs, `the hint « ${fits.hint} » fits at ${width} px`).toBeLessThanOrEqual(fits.room);
    }
  });

  it('cuts off no action of a table or toolbar at 1024 and 1366 px', async () => {
    await e2e.signIn(ADMIN);
    const found: [string, string[]][] = [];
    for (const width of [1024, 1366]) {
      await e2e.page.setViewportSize({ width, height: 768 });
      for (const screen of dashboardScreens(site)) {
        await screen.open(e2e.page);
        const clipped = await clippedControls(e2e.page);
        if (clipped.length > 0) found.push([`${screen.name} at ${width} px`, clipped]);
        if (width === 1024) await screenshot(e2e.page, `laptop-1024-${screen.name.replaceAll(' ', '-')}`);
      }
    }
    expect(Object.fromEntries(found)).toEqual({});
  });

  it('passes axe with no violation of any impact on every dashboard screen', async () => {
    await e2e.signIn(ADMIN);
    const found: [string, AxeViolation[]][] = [];
    for (const screen of dashboardScreens(site)) {
      await screen.open(e2e.page);
      found.push([screen.name, await a11yViolations(e2e.page)]);
    }
    expect(byScreen(found)).toEqual({});
  });

  it('passes axe as notifications arrive live and pile up past 99 unread', async () => {
    await e2e.signIn(ADMIN);
    await e2e.page.goto('/admin/utilisateurs');
    await settle(e2e.page, `[data-testid="user-row-${site.vendor.username}"]`);
    const found: [string, AxeViolation[]][] = [];
    // Another vendor's orders: the seeded vendor's phone keeps its own few cards.
    const colleague = await e2e.api.createUser('vendeur', { fullName: 'Salif Kaboré' });
    const vendorToken = (await e2e.api.login(colleague.username, colleague.password)).access_token;
    const newOrder = (client: string) =>
      seedOrder(e2e.api, [{ product_id: site.products[2]!.id, quantity: 1 }], {
        clientName: client,
        token: vendorToken,
      });
    // A new order pops a toast on whatever screen is open.
    await newOrder('Maquis Chez Tanti');
    await e2e.page.getByRole('status').filter({ hasText: 'Maquis Chez Tanti' }).waitFor();
    found.push(['users with a toast', await a11yViolations(e2e.page)]);
    // A morning's orders nobody has read yet: the badge shows 99+.
    for (let i = 0; i < 100; i += 1) await newOrder(`Boutique ${i}`);
    for (const [name, url] of [
      ['home', '/'],
      ['sites', '/admin/sites'],
    ] as const) {
      await e2e.page.goto(url);
      await e2e.page.getByTestId('notification-badge').filter({ hasText: '99+' }).waitFor();
      await settle(e2e.page);
      found.push([`${name} with 99+ unread`, await a11yViolations(e2e.page)]);
    }
    expect(byScreen(found)).toEqual({});
  });

  it('passes axe with no violation of any impact on every phone screen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gapal-phone-'));
    profiles.push(dir);
    const context = await launchPhone(dir, e2e.server.url);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const app = new VendorApp(page);
      const found: [string, AxeViolation[]][] = [];
      await app.open();
      await page.getByRole('button', { name: 'Se connecter' }).waitFor();
      found.push(['login', await a11yViolations(page)]);
      await app.signIn(site.vendor.username, site.vendor.password);
      await app.waitReady();
      // The vendor's cards in every state the seed left them in.
      for (const client of [
        'Maquis Le Sahel',
        'Boutique Wendkuni',
        'Restaurant La Savane',
        'Kiosque du Marché',
      ])
        await app.card(client).waitFor();
      await app
        .card('Épicerie Nongtaaba')
        .getByText(/Livraison refusée/)
        .waitFor();
      found.push(['orders', await a11yViolations(page)]);
      await page.getByRole('link', { name: 'Catalogue' }).click();
      await page.getByText(site.products[0]!.name).first().waitFor();
      found.push(['catalog', await a11yViolations(page)]);
      await page.getByRole('link', { name: 'Commandes' }).click();
      await app.createOrder(
        { client: 'Cave Tanga', phone: '+226 70 00 11 22', product: site.products[0]!.name, quantity: 2 },
        async (step) => {
          found.push([`new order ${step}`, await a11yViolations(page)]);
        },
      );
      // The new card waits in the outbox: the status bar counts it.
      found.push(['orders after a save', await a11yViolations(page)]);
      // Out of coverage: the status bar turns black and says so.
      await context.setOffline(true);
      await app.network().filter({ hasText: 'Hors ligne' }).waitFor();
      found.push(['orders offline', await a11yViolations(page)]);
      await context.setOffline(false);
      expect(byScreen(found)).toEqual({});
    } finally {
      await context.close();
    }
  });
});
