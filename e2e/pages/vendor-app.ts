import type { Page } from 'playwright-core';

/** The vendors' phone app at `/vendeur/`, driven the way a vendor uses it. */
export class VendorApp {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/vendeur/');
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Identifiant').fill(username);
    await this.page.getByLabel('Mot de passe').fill(password);
    await this.page.getByRole('button', { name: 'Se connecter' }).click();
    await this.page.getByTestId('status-bar').waitFor();
  }

  /** Waits until the first sync brought the catalog and the service worker controls the page. */
  async waitReady(): Promise<void> {
    await this.page.getByText(/Synchro : \d/).waitFor();
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
  }

  /** Locks the phone and hands it over ("Changer d'utilisateur", confirmed): back to sign-in. */
  async switchUser(): Promise<void> {
    await this.page.getByRole('button', { name: 'Verrouiller' }).click();
    this.page.once('dialog', (dialog) => void dialog.accept());
    await this.page.getByRole('button', { name: "Changer d'utilisateur" }).click();
    await this.page.getByRole('button', { name: 'Se connecter' }).waitFor();
  }

  network() {
    return this.page.getByTestId('network');
  }

  pending() {
    return this.page.getByTestId('pending-count');
  }

  orderCards() {
    return this.page.getByTestId('order-card');
  }

  card(clientName: string) {
    return this.orderCards().filter({ hasText: clientName });
  }

  async synchronise(): Promise<void> {
    await this.page.getByRole('button', { name: 'Synchroniser' }).click();
  }

  next() {
    return this.page.getByRole('button', { name: 'Suivant →' }).click();
  }

  /** Goes through every step of a new order; `shoot` is called on each step for screenshots. */
  async createOrder(
    order: { client: string; phone?: string; product: string; quantity: number; address?: string },
    shoot?: (step: string) => Promise<void>,
  ): Promise<void> {
    await this.page
      .getByRole('link', { name: /Nouvelle/ })
      .first()
      .click();
    await this.page.getByLabel('Nom du client').fill(order.client);
    if (order.phone) await this.page.getByLabel('Téléphone (facultatif)').fill(order.phone);
    await shoot?.('1-client');
    await this.next();
    for (let i = 0; i < order.quantity; i += 1) {
      await this.page.getByRole('button', { name: `Plus de ${order.product}` }).click();
    }
    await shoot?.('2-produits');
    await this.next();
    await this.page.getByLabel('Adresse de livraison').fill(order.address ?? 'Secteur 15, Ouagadougou');
    await this.page.getByRole('button', { name: 'Haute' }).click();
    await shoot?.('3-livraison');
    await this.next();
    await shoot?.('4-paiement');
    await this.next();
    await this.page.getByLabel('Notes').fill('Livrer avant midi');
    await shoot?.('5-notes');
    await this.next();
    await this.page.getByTestId('review-total').waitFor();
    await shoot?.('6-verification');
    await this.page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await this.card(order.client).waitFor();
  }
}
