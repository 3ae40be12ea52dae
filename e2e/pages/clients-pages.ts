import type { Page } from 'playwright-core';

/** /clients: the directory. */
export class ClientsListPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/clients');
    await this.page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Rechercher' }).fill(text);
  }

  row(name: string) {
    return this.page.getByTestId(`client-row-${name}`);
  }

  rows() {
    return this.page.locator('[data-testid^="client-row-"]');
  }
}

/** The create and edit dialog (the same form). */
export class ClientForm {
  constructor(readonly page: Page) {}

  dialog() {
    return this.page.getByRole('dialog');
  }

  async fill(fields: { name?: string; phone?: string; area?: string; creditLimit?: string }): Promise<void> {
    const dialog = this.dialog();
    if (fields.name !== undefined) await dialog.getByLabel('Nom', { exact: true }).fill(fields.name);
    if (fields.phone !== undefined) await dialog.getByLabel('Téléphone', { exact: true }).fill(fields.phone);
    if (fields.area !== undefined) await dialog.getByLabel('Quartier', { exact: true }).fill(fields.area);
    if (fields.creditLimit !== undefined)
      await dialog.getByLabel('Plafond de crédit (FCFA)', { exact: true }).fill(fields.creditLimit);
  }

  async submit(label: 'Créer' | 'Enregistrer'): Promise<void> {
    await this.dialog().getByRole('button', { name: label, exact: true }).click();
  }
}

/** /clients/{id}: one client. */
export class ClientDetailPage {
  constructor(readonly page: Page) {}

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  card(testId: 'client-orders' | 'client-payments' | 'client-statement') {
    return this.page.getByTestId(testId);
  }

  async action(name: string): Promise<void> {
    await this.page.getByRole('button', { name, exact: true }).click();
  }
}
