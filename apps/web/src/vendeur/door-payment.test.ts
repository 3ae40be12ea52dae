import { describe, expect, it } from 'vitest';
import { doorPaymentErrors, paymentArgs } from './door-payment.ts';

const LOCAL_ID = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';

describe('payment taken at the door', () => {
  it('accepts the whole balance or part of it, never more, never nothing', () => {
    expect(doorPaymentErrors({ amount: '2500', method: 'especes', reference: '' }, 2500)).toEqual({});
    expect(doorPaymentErrors({ amount: '1000', method: 'especes', reference: '' }, 2500)).toEqual({});
    expect(doorPaymentErrors({ amount: '2501', method: 'especes', reference: '' }, 2500)).toEqual({
      amount: 'plus que le reste à payer (2\u202f500\u00a0FCFA)',
    });
    for (const amount of ['', '0', '12.5']) {
      expect(doorPaymentErrors({ amount, method: 'especes', reference: '' }, 2500).amount).toBe(
        'montant reçu à saisir',
      );
    }
  });

  it('asks for the transaction reference of mobile money only, and sends it only then', () => {
    expect(doorPaymentErrors({ amount: '500', method: 'orange_money', reference: ' ' }, 500)).toEqual({
      reference: 'référence de la transaction à saisir',
    });
    expect(
      doorPaymentErrors({ amount: '500', method: 'moov_money', reference: 'MP241207.1405' }, 500),
    ).toEqual({});
    expect(paymentArgs(LOCAL_ID, { amount: '500', method: 'moov_money', reference: ' MP1 ' })).toEqual({
      local_id: LOCAL_ID,
      amount: 500,
      method: 'moov_money',
      reference: 'MP1',
    });
    expect(paymentArgs(LOCAL_ID, { amount: '500', method: 'especes', reference: 'oublié' }).reference).toBe(
      null,
    );
  });
});
