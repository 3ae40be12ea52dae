import { describe, expect, it } from 'vitest';
import { receiptText, shareText } from './receipt.ts';

const order = {
  number: 'CMD-20261207-0042',
  client_name: 'Maquis Le Baobab',
  created_at: '2026-12-07T14:05:00.000Z',
  total_amount: 13_000,
  paid_amount: 5_000,
  balance: 8_000,
  items: [
    { product_id: 'p1', quantity: 4, unit_price: 2_500, subtotal: 10_000, returned_quantity: 0 },
    { product_id: 'p2', quantity: 10, unit_price: 300, subtotal: 3_000, returned_quantity: 0 },
  ],
};
const names = new Map([
  ['p1', 'Yaourt nature 1 L'],
  ['p2', 'Lait caillé'],
]);
// French grouping (narrow no-break space) and a no-break space before FCFA, as everywhere in the app.
const fcfa = (digits: string) => `${digits.replace(' ', '\u202f')}\u00a0FCFA`;

describe('receipt', () => {
  it('lists the business, the order, its lines, total, paid and balance, in French', () => {
    expect(receiptText(order, names, 'Gapal du Faso')).toBe(
      [
        'Gapal du Faso',
        'Reçu de commande CMD-20261207-0042',
        'Date : 07/12/2026 14:05',
        'Client : Maquis Le Baobab',
        '',
        `4 × Yaourt nature 1 L à ${fcfa('2 500')} = ${fcfa('10 000')}`,
        `10 × Lait caillé à ${fcfa('300')} = ${fcfa('3 000')}`,
        '',
        `Total : ${fcfa('13 000')}`,
        `Payé : ${fcfa('5 000')}`,
        `Reste à payer : ${fcfa('8 000')}`,
        '',
        'Merci de votre confiance !',
      ].join('\n'),
    );
  });

  it('says the number is to come for an order still on the phone, and never a negative balance', () => {
    const text = receiptText({ ...order, number: '', paid_amount: 14_000, balance: -1_000 }, names, 'Gapal');
    expect(text).toContain('Reçu de commande (numéro à venir)');
    expect(text).toContain(`Reste à payer : ${fcfa('0')}`);
  });

  it("shares through the phone's sheet, or copies to the clipboard where there is none", async () => {
    const shared: string[] = [];
    const copied: string[] = [];
    const clipboard = { writeText: async (text: string) => void copied.push(text) } as Clipboard;
    const withSheet = { share: async (data?: ShareData) => void shared.push(data?.text ?? ''), clipboard };
    expect(await shareText('reçu', withSheet)).toBe('shared');
    expect(shared).toEqual(['reçu']);
    expect(await shareText('reçu 2', { clipboard } as Navigator)).toBe('copied');
    expect(copied).toEqual(['reçu 2']);
    const closed = {
      share: async () => {
        throw new DOMException('closed', 'AbortError');
      },
      clipboard,
    };
    expect(await shareText('reçu 3', closed)).toBe('cancelled');
    expect(copied).toEqual(['reçu 2']);
  });
});
