import type { Page } from 'playwright-core';

export class UsersAdminPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/utilisateurs');
    await this.page.getByRole('heading', { name: 'Utilisateurs', level: 1 }).waitFor();
  }

  row(username: string) {
    return this.page.getByTestId(`user-row-${username}`);
  }

  dialog() {
    return this.page.getByRole('dialog');
  }

  async startCreate(): Promise<void> {
    await this.page.getByRole('button', { name: 'Nouvel utilisateur' }).click();
  }

  async fillUser(fields: {
    full_name?: string;
    username?: string;
    phone?: string;
    password?: string;
    role?: string;
    site?: string;
  }) {
    const dialog = this.dialog();
    if (fields.full_name !== undefined) await dialog.getByLabel('Nom complet').fill(fields.full_name);
    if (fields.username !== undefined) await dialog.getByLabel('Identifiant').fill(fields.username);
    if (fields.phone !== undefined) await dialog.getByLabel('Téléphone').fill(fields.phone);
    if (fields.role !== undefined) await dialog.getByLabel('Rôle').selectOption({ label: fields.role });
    if (fields.site !== undefined) await dialog.getByLabel('Site').selectOption({ label: fields.site });
    if (fields.password !== undefined) await dialog.getByLabel('Mot de passe initial').fill(fields.password);
  }

  async submit(label: string): Promise<void> {
    await this.dialog().getByRole('button', { name: label, exact: true }).click();
  }
}

export class DevicesAdminPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/appareils');
    await this.page.getByRole('heading', { name: 'Appareils', level: 1 }).waitFor();
  }

  row(serial: string) {
    return this.page.getByTestId(`device-row-${serial}`);
  }
}

export class AuditPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/audit');
    await this.page.getByRole('heading', { name: 'Journal d’audit', level: 1 }).waitFor();
  }

  rows() {
    return this.page.getByTestId('audit-row');
  }
}
