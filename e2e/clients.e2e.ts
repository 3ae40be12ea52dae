import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ClientDetailPage, ClientForm, ClientsListPage } from './pages/clients-pages.ts';
import { type SeedApi, type SeededProduct, seedProduct, unique } from './support/api.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';

const run = promisify(execFile);

const text = (value: string | null) => (value ?? '').replace(/\s+/g, ' ').trim();

/** A phone number of its own per call, so clients never collide on the site's unique phones. */
let phoneCounter = 0;
function uniquePhone(): string {
  phoneCounter += 1;
  const digits = `7${String(Date.now() % 1_000_000).padStart(6, '0')}${phoneCounter % 10}`;
  return `${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6, 8)}`;
}

type SeededClient = { id: string; name: string; phone: string | null; version: number };

async function seedClient(
  api: SeedApi,
  fields: { name: string; phone?: string; credit_limit?: number },
  token?: string,
): Promise<SeededClient> {
  return api.call('POST', '/api/clients/', fields, token);
}

/** An order taken for a directory client (its name and phone are the order's snapshot). */
async function seedClientOrder(
  api: SeedApi,
  client: SeededClient,
  product: SeededProduct,
  quantity: number,
): Promise<{ id: string; number: string; total_amount: number }> {
  return api.call('POST', '/api/orders/', {
    local_id: crypto.randomUUID(),
    client_id: client.id,
    client_name: client.name,
    client_phone: client.phone,
    priority: 'moyenne',
    items: [{ product_id: product.id, quantity }],
  });
}

describe('clients', () => {
  const e2e = useE2e();

  it('creates a client, finds them with accents and case ignored, refuses a second client with their phone', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    const name = `Maquis Chez Adèle ${unique('')}`;
    const phone = uniquePhone();
    await e2e.signIn(manager);
    const list = new ClientsListPage(e2e.page);
    await list.open();
    await e2e.page.getByRole('button', { name: 'Nouveau client' }).click();
    const form = new ClientForm(e2e.page);
    await form.fill({ name, phone, area: 'Secteur 4' });
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
    await form.submit('Créer');

    // The new client's page, with the phone as the server stores it.
    const detail = new ClientDetailPage(e2e.page);
    await detail.heading().filter({ hasText: name }).waitFor();
    await e2e.page.getByText(`+226${phone.replaceAll(' ', '')}`).waitFor();
    expect(text(await e2e.page.getByTestId('client-balance').textContent())).toBe('0 FCFA');

    // Typed without accents, in another case, it is found; another name is not.
    await list.open();
    const folded = name.replace('Adèle', 'ADELE').replace('Maquis Chez', 'maquis chez');
    await list.search(folded);
    await list.row(name).waitFor();
    await expect.poll(() => list.rows().count()).toBe(1);
    // By the phone's digits as people say them.
    await list.search(phone.replaceAll(' ', '').slice(2));
    await list.row(name).waitFor();
    await list.search(`Zzz ${unique('')}`);
    await e2e.page.getByText('Aucun client ne correspond à ces critères.').waitFor();
    await screenshot(e2e.page, 'clients-empty-search');

    // Another client with the same number, written another way: refused on the phone field,
    // which names the client who has it and links to them.
    await e2e.page.getByRole('button', { name: 'Nouveau client' }).click();
    await form.fill({ name: `Boutique ${unique('')}`, phone: `+226 ${phone}` });
    await form.submit('Créer');
    const phoneField = form.dialog().getByLabel('Téléphone', { exact: true });
    await form.dialog().getByText(`Ce numéro est déjà celui de « ${name} »`).waitFor();
    expect(await phoneField.getAttribute('aria-invalid')).toBe('true');
    await screenshot(e2e.page, 'client-phone-taken');
    await form
      .dialog()
      .getByRole('link', { name: `Ouvrir la fiche de ${name}` })
      .click();
    await detail.heading().filter({ hasText: name }).waitFor();
    // Nothing was written: one client has the number.
    const page = await e2e.api.call('GET', `/api/clients/?search=${phone.replaceAll(' ', '')}`);
    expect(page.items).toHaveLength(1);
  });

  it('edits a client, explains a change made meanwhile, deactivates and reactivates', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    const client = await seedClient(e2e.api, {
      name: `Boutique Wendkouni ${unique('')}`,
      phone: uniquePhone(),
    });
    await e2e.signIn(manager);
    await e2e.page.goto(`/clients/${client.id}`);
    const detail = new ClientDetailPage(e2e.page);
    await detail.heading().filter({ hasText: client.name }).waitFor();

    const form = new ClientForm(e2e.page);
    await detail.action('Modifier');
    await form.fill({ area: 'Dapoya', creditLimit: '15 000' });
    await form.submit('Enregistrer');
    await form.dialog().waitFor({ state: 'hidden' });
    await e2e.page.getByText('Dapoya').waitFor();
    await e2e.page.getByText('15 000 FCFA').first().waitFor();

    // Someone else changes the client while the form is open: the save is refused and says why.
    await detail.action('Modifier');
    await form.fill({ area: 'Gounghin' });
    const current = await e2e.api.call('GET', `/api/clients/${client.id}/`);
    await e2e.api.call('PUT', `/api/clients/${client.id}/`, {
      notes: 'Livrer le matin',
      version: current.version,
    });
    await form.submit('Enregistrer');
    await e2e.page.getByTestId('client-version-conflict').waitFor();
    expect(text(await e2e.page.getByTestId('client-version-conflict').textContent())).toContain(
      'modifié entre-temps par quelqu’un d’autre',
    );
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
    await screenshot(e2e.page, 'client-version-conflict');
    // Reloaded, the form shows the other person's version; saved again, the change goes in.
    await form.dialog().getByRole('button', { name: 'Recharger la fiche' }).click();
    await e2e.page.getByTestId('client-version-conflict').waitFor({ state: 'detached' });
    expect(await form.dialog().getByLabel('Notes').inputValue()).toBe('Livrer le matin');
    await form.fill({ area: 'Gounghin' });
    await form.submit('Enregistrer');
    await form.dialog().waitFor({ state: 'hidden' });
    await e2e.page.getByText('Gounghin').waitFor();
    const saved = await e2e.api.call('GET', `/api/clients/${client.id}/`);
    expect([saved.area, saved.notes, saved.credit_limit]).toEqual(['Gounghin', 'Livrer le matin', 15_000]);

    // Deactivated: gone from the active list, shown among the inactive; then back.
    await detail.action('Désactiver');
    await e2e.page.getByRole('dialog').getByRole('button', { name: 'Désactiver' }).click();
    await e2e.page.getByText('Inactif', { exact: true }).waitFor();
    const list = new ClientsListPage(e2e.page);
    await list.open();
    await list.search(client.name);
    await e2e.page.getByText('Aucun client ne correspond à ces critères.').waitFor();
    await e2e.page.getByRole('combobox', { name: 'Statut' }).selectOption({ label: 'Inactifs' });
    await list.row(client.name).getByRole('link').click();
    await detail.action('Réactiver');
    await e2e.page.getByRole('button', { name: 'Désactiver', exact: true }).waitFor();
    expect((await e2e.api.call('GET', `/api/clients/${client.id}/`)).is_active).toBe(true);
  });

  it('merges two spellings of one client (admin): the orders move, and the statement reads back as PDF and CSV', async () => {
    const product = await seedProduct(e2e.api, { name: `Yaourt ${unique('')}`, price: 500, stock: 100 });
    const kept = await seedClient(e2e.api, {
      name: `Maquis Le Baobab ${unique('')}`,
      phone: uniquePhone(),
      credit_limit: 1000,
    });
    const merged = await seedClient(e2e.api, { name: `maquis le baobab (Secteur 4) ${unique('')}` });
    const first = await seedClientOrder(e2e.api, kept, product, 3);
    const second = await seedClientOrder(e2e.api, merged, product, 2);
    await e2e.api.call('PATCH', `/api/orders/${first.id}/payment/`, {
      amount: 1000,
      method: 'orange_money',
      reference: 'OM-4471',
    });

    await e2e.signIn(ADMIN);
    const detail = new ClientDetailPage(e2e.page);
    await e2e.page.goto(`/clients/${merged.id}`);
    await detail.heading().filter({ hasText: merged.name }).waitFor();
    await detail.card('client-orders').getByTestId(`client-order-${second.number}`).waitFor();
    await detail.action('Fusionner…');
    const dialog = e2e.page.getByRole('dialog');
    await dialog.getByRole('searchbox', { name: 'Client à conserver' }).fill(kept.name.toUpperCase());
    await dialog.getByTestId('merge-candidate').filter({ hasText: kept.name }).click();
    expect(text(await dialog.getByTestId('merge-confirm').textContent())).toContain(
      `Les commandes de « ${merged.name} » (1 non annulée(s), et les annulées) et leurs paiements passeront à « ${kept.name} »`,
    );
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
    await screenshot(e2e.page, 'client-merge-confirm');
    await dialog.getByRole('button', { name: 'Fusionner', exact: true }).click();
    const result = e2e.page.getByTestId('merge-result');
    await result.getByText(`« ${kept.name} » a maintenant 2 commande(s)`).waitFor();
    await result.getByRole('link', { name: `Ouvrir la fiche de ${kept.name}` }).click();

    // The kept client has both orders, and owes 2 500 − 1 000: over their limit, so warned.
    await detail.heading().filter({ hasText: kept.name }).waitFor();
    const orders = detail.card('client-orders');
    await orders.getByTestId(`client-order-${first.number}`).waitFor();
    await orders.getByTestId(`client-order-${second.number}`).waitFor();
    expect(text(await e2e.page.getByTestId('client-balance').textContent())).toBe('1 500 FCFA');
    await e2e.page.getByTestId('client-over-limit').waitFor();
    await detail.card('client-payments').getByText('OM-4471').waitFor();
    const order = await e2e.api.call('GET', `/api/orders/${second.id}/`);
    expect(order.client_id).toBe(kept.id);

    // The statement of the last 30 days: two orders (debits), one payment (credit), balance 1 500.
    const statement = detail.card('client-statement');
    await expect.poll(() => statement.getByTestId('statement-line').count()).toBe(3);
    expect(text(await statement.getByTestId('statement-closing').textContent())).toBe('1 500 FCFA');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
    await screenshot(e2e.page, 'client-detail');

    const [pdf] = await Promise.all([
      e2e.page.waitForEvent('download'),
      statement.getByTestId('statement-pdf').click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(
      /^releve-maquis-le-baobab-.*-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.pdf$/,
    );
    const pdfPath = (await pdf.path())!;
    expect(readFileSync(pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdfText = text((await run('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'])).stdout);
    expect(pdfText).toContain(kept.name);
    expect(pdfText).toContain(first.number);
    expect(pdfText).toContain(second.number);
    expect(pdfText).toContain('OM-4471');
    expect(pdfText).toMatch(/1[\s\u202f\u00a0]500/);

    const [csv] = await Promise.all([
      e2e.page.waitForEvent('download'),
      statement.getByTestId('statement-csv').click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    const orderLines = lines.filter((line) => line.includes(first.number) || line.includes(second.number));
    expect(orderLines).toHaveLength(3);
    expect(lines.filter((line) => line.includes('OM-4471'))).toHaveLength(1);

    // The moved order's page links its client's name to the client kept.
    await e2e.page.goto(`/commandes/${second.id}`);
    await e2e.page.getByRole('link', { name: merged.name }).click();
    await detail.heading().filter({ hasText: kept.name }).waitFor();

    // The merged client's page says where its orders went, and links there.
    await e2e.page.goto(`/clients/${merged.id}`);
    await e2e.page
      .getByTestId('client-merged-into')
      .getByRole('link', { name: 'Ouvrir le client conservé' })
      .click();
    await detail.heading().filter({ hasText: kept.name }).waitFor();
  });
});
