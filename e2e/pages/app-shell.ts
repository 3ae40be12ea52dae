import type { Page } from 'playwright-core';

/** The frame around every screen: side navigation and the top bar. */
export class AppShell {
  constructor(readonly page: Page) {}

  nav() {
    return this.page.getByRole('navigation', { name: 'Navigation principale' });
  }

  async menuLabels(): Promise<string[]> {
    return (await this.nav().getByRole('link').allTextContents()).map((text) => text.trim());
  }

  async goTo(label: string): Promise<void> {
    await this.nav().getByRole('link', { name: label, exact: true }).click();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Se déconnecter' }).click();
  }
}
