/**
 * The French `title` and `body` of a notification, written when it is read (API list, live push)
 * from its code and parameters: the table stores them language-neutral, and clients with a
 * catalogue write them in their reader's language from the same code and parameters.
 */
import type {
  DeliveryStatus,
  NotificationKind,
  NotificationParams,
  PaymentMethod,
  PaymentStatus,
} from '@gapal/shared';
import { formatNumber } from '../../lib/format-number.ts';

export type NotificationText = { title: string; body: string };

/** `data` is only read by a refused sync, whose body lists the first reasons it stored. */
export function notificationText(
  kind: NotificationKind,
  params: NotificationParams,
  data: Record<string, unknown> = {},
): NotificationText {
  const text = (key: string) => String(params[key] ?? '—');
  const number = (key: string) => {
    const value = params[key];
    return typeof value === 'number' ? formatNumber(value) : String(value ?? '—');
  };
  const label = <T extends string>(labels: Record<T, string>, key: string) =>
    labels[params[key] as T] ?? text(key);
  switch (kind) {
    case 'commande_nouvelle':
      return {
        title: `Nouvelle commande ${text('order_number')}`,
        body: `${text('client_name')} · ${number('total_amount')}`,
      };
    case 'commande_lot':
      return {
        title: `${text('count')} nouvelles commandes`,
        body: `${text('first_number')} … ${text('last_number')} · ${number('total_amount')}`,
      };
    case 'commande_statut':
      return {
        title: `Commande ${text('order_number')} : ${label(DELIVERY_LABELS, 'to')}`,
        body: `${text('client_name')} · ${label(DELIVERY_LABELS, 'from')} → ${label(DELIVERY_LABELS, 'to')}`,
      };
    case 'paiement_enregistre':
      return {
        title: `Paiement de ${number('amount')} sur ${text('order_number')}`,
        body: `${text('client_name')} · ${label(METHOD_LABELS, 'method')} · ${label(PAYMENT_LABELS, 'payment_status')} (${number('paid_amount')} / ${number('total_amount')})`,
      };
    case 'commande_note_vocale':
      return {
        title: `Note vocale sur ${text('order_number')}`,
        body: `${text('client_name')} · ${text('recorded_by')}`,
      };
    case 'stock_bas':
      return {
        title: `Stock bas : ${text('product_name')}`,
        body: `${text('quantity')} ${text('unit')} en stock (seuil d’alerte ${text('min_stock_level')})`,
      };
    case 'rupture_stock':
      return { title: `Rupture de stock : ${text('product_name')}`, body: 'Plus aucune unité en stock' };
    case 'lot_expire':
      return {
        title: `Lot périmé : ${text('product_name')} (${text('lot_code')})`,
        body: `${text('quantity')} ${text('unit')} encore en stock, périmé depuis le ${frenchDate(text('expiry_date'))}`,
      };
    case 'lot_expiration_proche':
      return {
        title: `${text('product_name')} (${text('lot_code')}) expire ${expiresWhen(params.days_left)}`,
        body: `${text('quantity')} ${text('unit')} en stock, date de péremption le ${frenchDate(text('expiry_date'))}`,
      };
    case 'sync_rejetee': {
      const count = Number(params.count ?? 0);
      const rejected = Array.isArray(data.rejected) ? (data.rejected as { reason?: unknown }[]) : [];
      return {
        title:
          count === 1
            ? 'Une modification envoyée a été refusée'
            : `${count} modifications envoyées ont été refusées`,
        body: rejected
          .slice(0, 3)
          .map((item) => String(item.reason ?? ''))
          .join(' · '),
      };
    }
  }
}

function expiresWhen(daysLeft: string | number | undefined): string {
  if (daysLeft === 0) return 'aujourd’hui';
  if (daysLeft === 1) return 'demain';
  return daysLeft === undefined ? 'bientôt' : `dans ${daysLeft} jours`;
}

/** `2026-12-07` → `07/12/2026`; anything else as it is. */
function frenchDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return day ? `${day}/${month}/${year}` : isoDate;
}

const DELIVERY_LABELS: Record<DeliveryStatus, string> = {
  nouvelle: 'nouvelle',
  en_preparation: 'en préparation',
  en_cours: 'en cours de livraison',
  livree: 'livrée',
  annulee: 'annulée',
};

const PAYMENT_LABELS: Record<PaymentStatus, string> = {
  non_payee: 'non payée',
  partielle: 'payée en partie',
  payee: 'payée',
};

const METHOD_LABELS: Record<PaymentMethod, string> = {
  especes: 'espèces',
  orange_money: 'Orange Money',
  moov_money: 'Moov Money',
  autre: 'autre moyen',
  avoir: 'avoir',
};
