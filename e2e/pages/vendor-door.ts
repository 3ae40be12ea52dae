import { VendorApp } from './vendor-app.ts';

export type DoorPaymentInput = {
  /** Left as the app proposes (the whole balance) when not given. */
  amount?: number;
  method?: 'Espèces' | 'Orange Money' | 'Moov Money';
  reference?: string;
};

/** The vendor app at the customer's door: quantities typed, stock warnings, money taken, receipt. */
export class VendorDoor extends VendorApp {
  /** Opens a new order and fills the client step; stops on the products step. */
  async startOrder(client: string): Promise<void> {
    await this.page
      .getByRole('link', { name: /Nouvelle/ })
      .first()
      .click();
    await this.page.getByLabel('Nom du client').fill(client);
    await this.next();
  }

  productRow(product: string) {
    return this.page.getByTestId('product-row').filter({ hasText: product });
  }

  async setQuantity(product: string, quantity: number): Promise<void> {
    await this.page.getByLabel(`Quantité de ${product}`).fill(String(quantity));
  }

  stockWarning() {
    return this.page.getByTestId('stock-warning');
  }

  amountField() {
    return this.page.getByLabel('Montant reçu (FCFA)');
  }

  /** Fills the payment fields shown (the order's payment step or a card's "Encaisser"). */
  async fillPayment(payment: DoorPaymentInput): Promise<void> {
    if (payment.method) await this.page.getByRole('button', { name: payment.method, exact: true }).click();
    if (payment.amount !== undefined) await this.amountField().fill(String(payment.amount));
    if (payment.reference) await this.page.getByLabel('Référence de la transaction').fill(payment.reference);
  }

  /** From the products step to the review: delivery, payment (paid or not), notes. */
  async toReview(payment?: DoorPaymentInput): Promise<void> {
    await this.next();
    await this.next();
    if (payment) {
      await this.page.getByRole('button', { name: 'Payé', exact: true }).click();
      await this.fillPayment(payment);
    }
    await this.next();
    await this.next();
    await this.page.getByTestId('review-total').waitFor();
  }

  async save(client: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await this.card(client).waitFor();
  }

  /** "Encaisser" on an order's card, then the payment saved. */
  async takePayment(client: string, payment: DoorPaymentInput): Promise<void> {
    await this.card(client).getByRole('button', { name: 'Encaisser' }).click();
    await this.fillPayment(payment);
    await this.card(client).getByRole('button', { name: 'Enregistrer le paiement' }).click();
  }
}
