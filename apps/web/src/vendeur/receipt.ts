import type { SyncOrder } from '@gapal/shared';
import { formatAmount, formatDateTime } from '../lib/format.ts';

type ReceiptOrder = Pick<
  SyncOrder,
  'number' | 'client_name' | 'created_at' | 'total_amount' | 'paid_amount' | 'balance' | 'items'
>;

/**
 * The short receipt a vendor shares with the client (SMS, WhatsApp): plain text, French, amounts
 * as the app shows them. An order not yet sent has no number: it says so.
 */
export function receiptText(
  order: ReceiptOrder,
  productNames: ReadonlyMap<string, string>,
  businessName: string,
): string {
  const lines = [
    businessName,
    `Reçu de commande ${order.number || '(numéro à venir)'}`,
    `Date : ${formatDateTime(order.created_at)}`,
    `Client : ${order.client_name}`,
    '',
    ...order.items.map(
      (item) =>
        `${item.quantity} × ${productNames.get(item.product_id) ?? 'Produit'} à ${formatAmount(item.unit_price)} = ${formatAmount(item.subtotal)}`,
    ),
    '',
    `Total : ${formatAmount(order.total_amount)}`,
    `Payé : ${formatAmount(order.paid_amount)}`,
    `Reste à payer : ${formatAmount(Math.max(0, order.balance))}`,
    '',
    'Merci de votre confiance !',
  ];
  return lines.join('\n');
}

export type ShareOutcome = 'shared' | 'copied' | 'cancelled' | 'failed';

/**
 * Opens the phone's share sheet with the text; where there is none (a desktop browser, an old
 * Android WebView), copies it to the clipboard instead, and says which happened.
 */
export async function shareText(
  text: string,
  browser: Pick<Navigator, 'share' | 'clipboard'> = navigator,
): Promise<ShareOutcome> {
  if (typeof browser.share === 'function') {
    try {
      await browser.share({ text });
      return 'shared';
    } catch (error) {
      // The vendor closed the sheet: nothing to say.
      if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
    }
  }
  try {
    await browser.clipboard.writeText(text);
    return 'copied';
  } catch {
    return 'failed';
  }
}
