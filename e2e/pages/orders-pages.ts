import type { Page } from 'playwright-core';

export class OrdersListPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/commandes');
    await this.page.getByRole('heading', { name: 'Commandes', level: 1 }).waitFor();
  }

  row(number: string) {
    return this.page.getByTestId(`order-row-${number}`);
  }

  /** A date filter by its period ('Période de création', 'Livraison prévue') and visible label. */
  dateFilter(period: string, label: string) {
    return this.page.getByRole('group', { name: period }).getByLabel(label, { exact: true });
  }
}

/** The order form, for a new order and for editing one (the same form). */
export class NewOrderPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/commandes/nouvelle');
    await this.page.getByRole('heading', { name: 'Nouvelle commande', level: 1 }).waitFor();
  }

  async addProduct(search: string, name: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Ajouter un produit' }).fill(search);
    await this.page.getByRole('option', { name: new RegExp(name) }).click();
  }

  async setQuantity(name: string, quantity: number): Promise<void> {
    await this.page.getByLabel(`Quantité — ${name}`).fill(String(quantity));
  }

  lines() {
    return this.page.getByTestId('order-line');
  }

  async fillClient(fields: { name: string; phone?: string }): Promise<void> {
    await this.page.getByLabel('Client', { exact: true }).fill(fields.name);
    if (fields.phone) await this.page.getByLabel('Téléphone', { exact: true }).fill(fields.phone);
  }

  total() {
    return this.page.getByTestId('new-order-total');
  }

  async submit(): Promise<void> {
    await this.page.getByRole('button', { name: 'Créer la commande' }).click();
  }
}

export class OrderDetailPage {
  constructor(readonly page: Page) {}

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  async moveTo(status: string): Promise<void> {
    await this.page.getByRole('button', { name: new RegExp(`^Passer à « ${status} »`) }).click();
    await this.page
      .getByText(new RegExp(`: ${status}$`))
      .first()
      .waitFor();
  }
}

export class StockPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/stock');
    await this.page.getByRole('heading', { name: 'Stock', level: 1 }).waitFor();
  }

  async openMovements(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Mouvements' }).click();
  }

  movementRows() {
    return this.page.getByTestId('movement-row');
  }
}
