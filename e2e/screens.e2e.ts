import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seedOrder, seedProduct } from './support/api.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN, WEB_DIST } from './support/gapal-server.ts';

/** Every script the login page loads before anything is lazy-loaded: the entry and its preloads. */
function firstLoadScripts(): string[] {
  const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
}

describe('screens', () => {
  const e2e = useE2e();

  it('keeps the first load under 250 KB of compressed JavaScript', async () => {
    const scripts = firstLoadScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce(
      (sum, script) => sum + gzipSync(readFileSync(path.join(WEB_DIST, script))).length,
      0,
    );
    console.log(`first-load JS: ${scripts.length} file(s), ${(gzipped / 1024).toFixed(1)} KB gzip`);
    expect(gzipped).toBeLessThan(250 * 1024);
    // And the browser really loads only those before signing in: every screen is its own chunk.
    const loaded: string[] = [];
    e2e.page.on('response', (response) => {
      if (response.url().endsWith('.js')) loaded.push(new URL(response.url()).pathname);
    });
    await e2e.page.goto('/');
    await e2e.page.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(loaded.sort()).toEqual([...scripts].sort());
  });

  let orderNumber = '';

  it('shows each role its home view, with what the role may see', async () => {
    const product = await seedProduct(e2e.api, {
      name: 'Yaourt nature 125 g',
      price: 250,
      stock: 60,
      threshold: 100,
    });
    const order = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 12 }], {
      clientName: 'Alimentation Zida',
    });
    orderNumber = order.number;
    await e2e.api.call('PATCH', `/api/orders/${order.id}/status/`, { status: 'en_preparation' });
    await seedOrder(e2e.api, [{ product_id: product.id, quantity: 4 }], {
      clientName: 'Maquis Le Sahel',
      priority: 'haute',
    });

    const expectations = [
      {
        role: 'admin' as const,
        stats: ['stat-today-orders', 'stat-unpaid', 'stat-low-stock', 'stat-expiring'],
      },
      {
        role: 'gestionnaire_commandes' as const,
        stats: ['stat-today-orders', 'stat-unpaid', 'stat-low-stock', 'stat-expiring'],
      },
      { role: 'gestionnaire_stocks' as const, stats: ['stat-low-stock', 'stat-expiring'] },
      { role: 'vendeur' as const, stats: ['stat-today-orders', 'stat-low-stock', 'stat-expiring'] },
    ];
    for (const { role, stats } of expectations) {
      const page = await e2e.newPage();
      const user = role === 'admin' ? ADMIN : await e2e.api.createUser(role);
      await e2e.signIn(user, page);
      for (const stat of stats) await page.getByTestId(stat).filter({ hasNotText: '…' }).waitFor();
      const shown = await page
        .locator('[data-testid^="stat-"]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid')));
      expect(shown).toEqual(stats);
      expect(await page.getByTestId('stat-low-stock').textContent()).toBe('1');
      await screenshot(page, `home-${role}`);
      if (role === 'admin') expect(await seriousA11yViolations(page)).toEqual([]);
    }
  });

  it('fits a 1366×768 laptop and a tablet, and passes axe on the main screens', async () => {
    await e2e.signIn(ADMIN);
    for (const [url, name] of [
      ['/commandes', 'orders'],
      ['/produits', 'products'],
      ['/stock', 'stock'],
      ['/admin/utilisateurs', 'users'],
    ] as const) {
      await e2e.page.goto(url);
      await e2e.page.locator('h1').waitFor();
      await e2e.page.locator('tbody tr, [data-testid="low-stock-list"] li').first().waitFor();
      await e2e.page.waitForTimeout(300);
      const overflow = await e2e.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow, `${name} overflows the 1366 px window`).toBeLessThanOrEqual(0);
      // Tables fit too: no sideways scrolling to reach a row's actions on a laptop.
      const hidden = await e2e.page.evaluate(() =>
        [...document.querySelectorAll('.overflow-x-auto')].map((node) => node.scrollWidth - node.clientWidth),
      );
      expect(Math.max(0, ...hidden), `${name} has a table wider than the window`).toBe(0);
      expect(await seriousA11yViolations(e2e.page)).toEqual([]);
      await screenshot(e2e.page, `screen-${name}`);
    }

    // A tablet in portrait: the menu folds behind a button and the orders table still reads.
    await e2e.page.setViewportSize({ width: 820, height: 1180 });
    await e2e.page.goto('/commandes');
    await e2e.page.getByTestId(`order-row-${orderNumber}`).waitFor();
    await e2e.page.getByRole('button', { name: 'Menu' }).click();
    await e2e.page.getByRole('link', { name: 'Stock', exact: true }).click();
    await e2e.page.getByRole('heading', { name: 'Stock', level: 1 }).waitFor();
    await e2e.page.goto('/commandes');
    await e2e.page.getByTestId(`order-row-${orderNumber}`).waitFor();
    await screenshot(e2e.page, 'tablet-orders');
  });

  it('can be driven from the keyboard: sign in and reach a screen without the mouse', async () => {
    await e2e.page.goto('/');
    await e2e.page.getByLabel('Identifiant').focus();
    await e2e.page.keyboard.type(ADMIN.username);
    await e2e.page.keyboard.press('Tab');
    await e2e.page.keyboard.type(ADMIN.password);
    await e2e.page.keyboard.press('Enter');
    await e2e.page.getByTestId('current-user').waitFor();
    await e2e.page.getByRole('link', { name: 'Commandes', exact: true }).focus();
    await e2e.page.keyboard.press('Enter');
    await e2e.page.getByRole('heading', { name: 'Commandes', level: 1 }).waitFor();
  });
});
