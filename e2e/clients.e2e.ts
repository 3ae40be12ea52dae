import { describe, expect, it } from 'vitest';
import { ClientDetailPage, ClientForm, ClientsListPage } from './pages/clients-pages.ts';
import { type SeedApi, unique } from './support/api.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';

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
});
