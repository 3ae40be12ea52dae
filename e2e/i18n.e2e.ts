import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedOrder, seedProduct, unique } from './support/api.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';

/**
 * Words and letters that give French away. Data values (names the test seeds, the default site,
 * the first admin's name) are removed from the text before it is read (`withoutData`).
 */
const FRENCH = [
  /[àâçéèêëîïôûùœ«»]/i,
  /\b(de la|du|des|les|le|la|une|et|pour|avec|sur|dans|aucun|aucune)\b/i,
  /\b(commandes?|introuvable|insuffisant|enregistr\w*|annul\w*|livr\w*|pay\w*e|réessayer|connexion|identifiant|mot de passe|utilisateurs?|nouvelle|produits?|mouvements?|appareils?|rapports?|quantité|seuil)\b/i,
  /Stock insuffisant/,
];

/** The French words found in `text`, each with a little context, for a readable failure. */
function frenchIn(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    if (FRENCH.some((pattern) => pattern.test(line))) found.push(line.trim());
  }
  return found;
}

describe('the dashboard in English', () => {
  const e2e = useE2e();

  it('shows no French on any screen, in the server’s refusals or in field errors', async () => {
    const product = await seedProduct(e2e.api, {
      name: unique('Yogurt Plain '),
      stock: 20,
      threshold: 10,
    });
    const client = unique('Sunrise Shop ');
    const category = unique('Dairy ');
    await e2e.api.call('POST', '/api/categories/', { name: category });
    const delivered = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 12 }], {
      clientName: client,
    });
    for (const status of ['en_preparation', 'en_cours', 'livree']) {
      await e2e.api.call('PATCH', `/api/orders/${delivered.id}/status/`, { status });
    }
    await e2e.api.call('PATCH', `/api/orders/${delivered.id}/payment/`, { amount: 1000, method: 'especes' });
    // Eight left after the delivery above: this one asks for more than the stock holds.
    const short = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 50 }], {
      clientName: client,
    });
    for (const status of ['en_preparation', 'en_cours']) {
      await e2e.api.call('PATCH', `/api/orders/${short.id}/status/`, { status });
    }
    // Delivered, paid in full, one unit returned: the order holds a credit to refund or move.
    const creditedProduct = await seedProduct(e2e.api, { name: unique('Yogurt Vanilla '), stock: 5 });
    const credited = await seedOrder(e2e.api, [{ product_id: creditedProduct.id, quantity: 2 }], {
      clientName: client,
    });
    for (const status of ['en_preparation', 'en_cours', 'livree']) {
      await e2e.api.call('PATCH', `/api/orders/${credited.id}/status/`, { status });
    }
    await e2e.api.call('PATCH', `/api/orders/${credited.id}/payment/`, {
      amount: credited.total_amount,
      method: 'especes',
    });
    const creditedItems = (await e2e.api.call('GET', `/api/orders/${credited.id}/`)).items;
    await e2e.api.call('POST', `/api/orders/${credited.id}/return/`, {
      reason: 'Damaged',
      items: [{ item_id: creditedItems[0].id, quantity: 1 }],
    });
    // The same client in the directory, with a phone a second client is then refused.
    const directoryClient = await e2e.api.call('POST', '/api/clients/', {
      name: client,
      phone: '70 99 88 77',
      credit_limit: 500,
    });
    // The business's name (a proper noun, `lib/settings.ts`) and the first admin's are data too.
    const data = [
      product.name,
      client,
      category,
      'Gapal du Faso',
      'Administrateur',
      'BL-SEED',
      ...(await siteNames()),
    ];
    const withoutData = (text: string) => data.reduce((rest, value) => rest.replaceAll(value, ''), text);
    const french: Record<string, string[]> = {};
    const read = async (screen: string, page: Page = e2e.page) => {
      const found = frenchIn(withoutData(await page.locator('body').innerText()));
      if (found.length > 0) french[screen] = found;
    };

    await e2e.context.addInitScript(() => localStorage.setItem('gapal.locale', 'en'));
    const page = e2e.page;

    // A failed sign-in: the server's refusal, in English.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong username or password').waitFor();
    await read('login failure');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('current-user').waitFor();

    const screens: [string, string][] = [
      ['home', '/'],
      ['orders list', '/commandes'],
      ['order detail', `/commandes/${delivered.id}`],
      ['order with a credit', `/commandes/${credited.id}`],
      ['new order', '/commandes/nouvelle'],
      ['stock', '/stock'],
      ['products', '/produits'],
      ['users', '/admin/utilisateurs'],
      ['sites', '/admin/sites'],
      ['devices', '/admin/appareils'],
      ['audit', '/admin/audit'],
      ['reports', '/rapports'],
      ['clients', '/clients'],
      ['client', `/clients/${directoryClient.id}`],
    ];
    for (const [screen, url] of screens) {
      await page.goto(url);
      await page.locator('h1').waitFor();
      await settled(page);
      await read(screen);
    }

    // The credit's dialogs: a refund above the credit refused on its field, the credit's targets.
    await page.goto(`/commandes/${credited.id}`);
    await page.getByRole('button', { name: 'Refund' }).click();
    await page.getByRole('dialog').waitFor();
    await settled(page);
    await read('refund');
    await page.getByRole('dialog').getByLabel('Amount (FCFA)').fill(String(credited.total_amount));
    await page.getByRole('dialog').getByLabel('Reference (receipt or transaction)').fill('R-1');
    await page.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await page.getByRole('dialog').getByText('more than the credit available').waitFor();
    await read('refund, refused');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Apply credit' }).click();
    await page.getByRole('dialog').waitFor();
    await settled(page);
    await read('apply credit');
    await page.keyboard.press('Escape');

    // Tabs and dialogs: movements, lots, categories, the notifications panel.
    await page.goto('/stock');
    await page.getByRole('tab', { name: 'Movements' }).click();
    await page.getByTestId('movement-row').first().waitFor();
    await read('movements');
    await page.goto('/produits');
    await page.getByRole('button', { name: `Lots — ${product.name}` }).click();
    await page.getByRole('dialog').waitFor();
    await settled(page);
    await read('lots');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Categories' }).click();
    await page.getByRole('dialog').waitFor();
    await settled(page);
    await read('categories');
    // The server's own field check: a category name already used.
    await page.getByRole('dialog').getByLabel('New category').fill(category);
    await page.getByRole('dialog').getByRole('button', { name: 'New category' }).click();
    await page.getByRole('dialog').getByText('already used').waitFor();
    await read('categories, refused');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Notifications/ }).click();
    await page.getByText(`Low stock: ${product.name}`).waitFor();
    await page.getByText(`New order ${short.number}`).waitFor();
    await read('notifications');
    await page.keyboard.press('Escape');

    // The client form: its fields, then the server's refusal of a phone another client has.
    await page.goto('/clients');
    await page.getByRole('button', { name: 'New client' }).click();
    await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill(unique('Moonlight Bar '));
    await page.getByRole('dialog').getByLabel('Phone', { exact: true }).fill('+226 70 99 88 77');
    await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('dialog').getByText('This number already belongs to').waitFor();
    await read('new client, refused');
    await page.keyboard.press('Escape');
    await page.goto(`/clients/${directoryClient.id}`);
    await page.getByRole('button', { name: 'Merge…' }).click();
    await page.getByRole('dialog').waitFor();
    await read('client merge');
    await page.keyboard.press('Escape');

    // A validation error on a form: the new order sent empty.
    await page.goto('/commandes/nouvelle');
    await page.getByRole('button', { name: 'Create order' }).click();
    await page.getByText('Fix the highlighted fields.').waitFor();
    await read('new order, refused');

    // The server's stock refusal on delivery, written from its code and shortages.
    await page.goto(`/commandes/${short.id}`);
    await page.locator('h1').waitFor();
    await settled(page);
    await page.getByRole('button', { name: /^Move to “Delivered”/ }).click();
    await page.getByText(`Insufficient stock: ${product.name} (requested: 50, available: 8)`).waitFor();
    await read('delivery refused');

    expect(french).toEqual({});
  });

  it('finds French where French is shown: the detector can fail', async () => {
    await e2e.signIn(ADMIN);
    await e2e.page.goto('/commandes');
    await e2e.page.locator('h1').waitFor();
    expect(frenchIn(await e2e.page.locator('body').innerText())).not.toEqual([]);
  });

  async function siteNames(): Promise<string[]> {
    const sites = await e2e.api.call<{ name: string; address: string | null }[]>('GET', '/api/sites/');
    return sites.flatMap((site) => [site.name, site.address ?? '']).filter(Boolean);
  }
});

/** Waits until the screen has loaded what it asks for (no request in flight, no loading text). */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page
    .getByText('Loading…')
    .first()
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
}
