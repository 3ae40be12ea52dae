import { type OrdersReport, orderMoney } from '@gapal/shared';
import type { OrderReportRow } from './orders-report.repo.ts';
import type { CsvColumn } from './render/csv.ts';
import {
  calendarDate,
  csvDateTime,
  DELIVERY_STATUS_LABELS,
  PAYMENT_STATUS_LABELS,
  wallClock,
} from './render/format.ts';
import type { XlsxBook, XlsxColumn } from './render/xlsx.ts';
import { periodLabel, type ReportContext, siteLabel } from './report-context.ts';

type Ctx = Pick<ReportContext, 'timeZone' | 'currency' | 'businessName' | 'generatedAt'>;

/** What the order still asks and what it holds beyond (orderMoney). */
export const moneyOf = (
  row: Pick<OrderReportRow, 'totalAmount' | 'returnedAmount' | 'paidAmount' | 'deliveryStatus'>,
) =>
  orderMoney({
    total: row.totalAmount,
    returned: row.returnedAmount,
    paid: row.paidAmount,
    cancelled: row.deliveryStatus === 'annulee',
  });

/** The CSV of the orders report is the order list, one line per order. */
export const ORDER_CSV_COLUMNS = (ctx: Ctx): CsvColumn<OrderReportRow>[] => [
  { header: 'N° commande', value: (row) => row.number },
  { header: 'Date', value: (row) => csvDateTime(row.createdAt, ctx.timeZone) },
  { header: 'Site', value: (row) => row.siteName },
  { header: 'Vendeur', value: (row) => row.vendor },
  { header: 'Client', value: (row) => row.clientName },
  { header: 'Téléphone', value: (row) => row.clientPhone },
  { header: 'Livraison prévue', value: (row) => row.deliveryDate },
  { header: 'Statut de livraison', value: (row) => DELIVERY_STATUS_LABELS[row.deliveryStatus] },
  { header: 'Statut de paiement', value: (row) => PAYMENT_STATUS_LABELS[row.paymentStatus] },
  { header: `Montant (${ctx.currency})`, value: (row) => row.totalAmount },
  { header: `Retourné (${ctx.currency})`, value: (row) => row.returnedAmount },
  { header: `Payé (${ctx.currency})`, value: (row) => row.paidAmount },
  { header: `Remboursé (${ctx.currency})`, value: (row) => row.refundedAmount },
  { header: `Reste (${ctx.currency})`, value: (row) => moneyOf(row).balance },
  { header: `Avoir (${ctx.currency})`, value: (row) => moneyOf(row).credit },
  { header: 'Livrée le', value: (row) => csvDateTime(row.deliveredAt, ctx.timeZone) },
  { header: 'Annulée le', value: (row) => csvDateTime(row.cancelledAt, ctx.timeZone) },
];

const orderSheetColumns = (ctx: Ctx): XlsxColumn<OrderReportRow>[] => [
  { header: 'N° commande', width: 20, value: (row) => row.number },
  { header: 'Date', width: 17, kind: 'datetime', value: (row) => wallClock(row.createdAt, ctx.timeZone) },
  { header: 'Site', width: 16, value: (row) => row.siteName },
  { header: 'Vendeur', width: 20, value: (row) => row.vendor },
  { header: 'Client', width: 24, value: (row) => row.clientName },
  { header: 'Téléphone', width: 16, value: (row) => row.clientPhone },
  {
    header: 'Livraison prévue',
    width: 14,
    kind: 'date',
    value: (row) => (row.deliveryDate ? calendarDate(row.deliveryDate) : null),
  },
  { header: 'Statut de livraison', width: 16, value: (row) => DELIVERY_STATUS_LABELS[row.deliveryStatus] },
  { header: 'Statut de paiement', width: 16, value: (row) => PAYMENT_STATUS_LABELS[row.paymentStatus] },
  { header: `Montant (${ctx.currency})`, width: 14, kind: 'amount', value: (row) => row.totalAmount },
  { header: `Retourné (${ctx.currency})`, width: 14, kind: 'amount', value: (row) => row.returnedAmount },
  { header: `Payé (${ctx.currency})`, width: 14, kind: 'amount', value: (row) => row.paidAmount },
  { header: `Remboursé (${ctx.currency})`, width: 14, kind: 'amount', value: (row) => row.refundedAmount },
  { header: `Reste (${ctx.currency})`, width: 14, kind: 'amount', value: (row) => moneyOf(row).balance },
  { header: `Avoir (${ctx.currency})`, width: 14, kind: 'amount', value: (row) => moneyOf(row).credit },
  {
    header: 'Livrée le',
    width: 17,
    kind: 'datetime',
    value: (row) => (row.deliveredAt ? wallClock(row.deliveredAt, ctx.timeZone) : null),
  },
  {
    header: 'Annulée le',
    width: 17,
    kind: 'datetime',
    value: (row) => (row.cancelledAt ? wallClock(row.cancelledAt, ctx.timeZone) : null),
  },
];

/** Summary sheets first (small), then every order, streamed. */
export async function writeOrdersWorkbook(
  book: XlsxBook,
  report: OrdersReport,
  list: AsyncIterable<OrderReportRow[]>,
  ctx: Ctx,
): Promise<void> {
  const t = report.totals;
  const summary = book.sheet<[string, string | number]>('Résumé', [
    { header: 'Indicateur', width: 32, value: (row) => row[0] },
    { header: 'Valeur', width: 28, kind: 'int', value: (row) => row[1] },
  ]);
  await summary.add([
    ['Entreprise', ctx.businessName],
    ['Site', siteLabel(report.site)],
    ['Période', periodLabel(report.period)],
    ['Généré le', ctx.generatedAt],
    ['Commandes', t.orders],
    [`Chiffre d'affaires (${ctx.currency})`, t.revenue],
    [`Encaissé (${ctx.currency})`, t.paid],
    [`Reste à encaisser (${ctx.currency})`, t.balance],
    [`Avoirs (${ctx.currency})`, t.credit],
    ['Commandes livrées', t.delivered_orders],
    [`Montant livré (${ctx.currency})`, t.delivered_amount],
    ['Commandes annulées', t.cancelled_orders],
    [`Montant annulé (${ctx.currency})`, t.cancelled_amount],
    [`Retours (${ctx.currency})`, t.returned_amount],
  ]);
  summary.commit();

  const days = book.sheet<OrdersReport['by_day'][number]>('Par jour', [
    { header: 'Jour', width: 12, kind: 'date', value: (row) => calendarDate(row.day) },
    { header: 'Commandes', kind: 'int', value: (row) => row.orders },
    { header: 'Annulées', kind: 'int', value: (row) => row.cancelled_orders },
    {
      header: `Chiffre d'affaires (${ctx.currency})`,
      width: 22,
      kind: 'amount',
      value: (row) => row.revenue,
    },
  ]);
  await days.add(report.by_day);
  days.commit();

  const statuses = book.sheet<{ label: string; orders: number; amount: number }>('Par statut', [
    { header: 'Statut', width: 24, value: (row) => row.label },
    { header: 'Commandes', kind: 'int', value: (row) => row.orders },
    { header: `Montant (${ctx.currency})`, width: 18, kind: 'amount', value: (row) => row.amount },
  ]);
  await statuses.add([
    ...report.by_status.map((row) => ({
      ...row,
      label: `Livraison : ${DELIVERY_STATUS_LABELS[row.delivery_status]}`,
    })),
    ...report.by_payment_status.map((row) => ({
      ...row,
      label: `Paiement : ${PAYMENT_STATUS_LABELS[row.payment_status]}`,
    })),
  ]);
  statuses.commit();

  const vendors = book.sheet<OrdersReport['by_vendor'][number]>('Par vendeur', [
    { header: 'Vendeur', width: 24, value: (row) => row.name },
    { header: 'Commandes', kind: 'int', value: (row) => row.orders },
    { header: 'Annulées', kind: 'int', value: (row) => row.cancelled_orders },
    {
      header: `Chiffre d'affaires (${ctx.currency})`,
      width: 22,
      kind: 'amount',
      value: (row) => row.revenue,
    },
    { header: `Encaissé (${ctx.currency})`, width: 18, kind: 'amount', value: (row) => row.paid },
  ]);
  await vendors.add(report.by_vendor);
  vendors.commit();

  const products = book.sheet<OrdersReport['by_product'][number]>('Par produit', [
    { header: 'Produit', width: 28, value: (row) => row.name },
    { header: 'Unité', width: 10, value: (row) => row.unit },
    { header: 'Quantité', kind: 'int', value: (row) => row.quantity },
    { header: 'Retournée', kind: 'int', value: (row) => row.returned_quantity },
    { header: `Montant (${ctx.currency})`, width: 18, kind: 'amount', value: (row) => row.amount },
  ]);
  await products.add(report.by_product);
  products.commit();

  const sheet = book.sheet('Commandes', orderSheetColumns(ctx));
  for await (const rows of list) {
    if (!(await sheet.add(rows))) return;
  }
  sheet.commit();
}
