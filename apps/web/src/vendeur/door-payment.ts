import type { MoneyMethod, SyncMutationArgs } from '@gapal/shared';
import { formatAmount } from '../lib/format.ts';

/** What a vendor takes at the door: cash or mobile money (the reference proves the transfer). */
export const DOOR_METHODS = [
  'especes',
  'orange_money',
  'moov_money',
] as const satisfies readonly MoneyMethod[];
export type DoorMethod = (typeof DOOR_METHODS)[number];

export const METHOD_LABELS: Record<MoneyMethod, string> = {
  especes: 'Espèces',
  orange_money: 'Orange Money',
  moov_money: 'Moov Money',
  autre: 'Autre',
};

export type DoorPayment = { amount: string; method: MoneyMethod; reference: string };

export const isMobileMoney = (method: MoneyMethod): boolean =>
  method === 'orange_money' || method === 'moov_money';

/** What is wrong with the payment typed, by field (`amount`, `reference`); empty when it can go. */
export function doorPaymentErrors(payment: DoorPayment, balance: number): Record<string, string> {
  const errors: Record<string, string> = {};
  const amount = Number(payment.amount);
  if (!(Number.isInteger(amount) && amount > 0)) errors.amount = 'montant reçu à saisir';
  else if (amount > balance) errors.amount = `plus que le reste à payer (${formatAmount(balance)})`;
  if (isMobileMoney(payment.method) && payment.reference.trim() === '') {
    errors.reference = 'référence de la transaction à saisir';
  }
  return errors;
}

/** The `record_payment` arguments (the reference only for mobile money). */
export function paymentArgs(localId: string, payment: DoorPayment): SyncMutationArgs['record_payment'] {
  return {
    local_id: localId,
    amount: Number(payment.amount),
    method: payment.method,
    reference: isMobileMoney(payment.method) ? payment.reference.trim() : null,
  };
}
