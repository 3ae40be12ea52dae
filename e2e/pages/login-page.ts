import type { Page } from 'playwright-core';

export class LoginPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/');
    await this.page.getByRole('heading', { name: 'Connexion' }).waitFor();
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Identifiant').fill(username);
    await this.page.getByLabel('Mot de passe').fill(password);
    await this.page.getByRole('button', { name: 'Se connecter' }).click();
  }

  notice() {
    return this.page.getByTestId('session-notice');
  }

  alert() {
    return this.page.getByRole('alert');
  }
}
