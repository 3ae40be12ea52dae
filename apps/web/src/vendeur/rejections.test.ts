import { describe, expect, it } from 'vitest';
import { explainRejection } from './rejections.ts';

describe('a refused change, said to the vendor', () => {
  it('agrees with the change refused and explains a payment above the balance', () => {
    expect(
      explainRejection({
        name: 'record_payment',
        reason: { code: 'validation_error', message: 'Le montant dépasse le solde restant (2 000)' },
      }),
    ).toEqual({
      what: 'Le paiement a été refusé : Le montant dépasse le solde restant (2 000).',
      todo: 'Vérifiez l’argent reçu, puis encaissez à nouveau ou appelez le gestionnaire.',
    });
    expect(
      explainRejection({ name: 'update_order', reason: { code: 'version_conflict', message: 'modifiée' } })
        .what,
    ).toBe('La modification a été refusée : le gestionnaire a déjà pris la commande en charge (modifiée).');
    expect(
      explainRejection({ name: 'record_payment', reason: { code: 'not_found', message: 'x' } }).what,
    ).toBe('Le paiement a été refusé : x.');
  });
});
