import type { Readable } from 'node:stream';
import type { OrdersReport } from '@gapal/shared';
import { formatNumber } from '../../lib/format-number.ts';
import type { OrderReportRow } from './orders-report.repo.ts';
import { moneyOf } from './orders-report.sheets.ts';
import { renderWithTurns, waitForRoom } from './render/backpressure.ts';
import {
  DELIVERY_STATUS_LABELS,
  formatAmount,
  formatDate,
  formatDateTime,
  PAYMENT_STATUS_LABELS,
} from './render/format.ts';
import { type PdfColumn, ReportPdf } from './render/pdf-document.ts';
import { periodLabel, type ReportContext, siteLabel } from './report-context.ts';

type Ctx = Pick<ReportContext, 'timeZone' | 'currency' | 'businessName' | 'generatedAt'>;

/** Past this many orders the PDF is streamed page by page (numbered without a total). */
const BUFFERED_PAGES_MAX_ORDERS = 3000;
/** Summary tables are kept narrower than the landscape page, so figures stay near their labels. */
const SUMMARY_WIDTH = 520;

export function renderOrdersPdf(
  report: OrdersReport,
  cancelled: AsyncIterable<OrderReportRow[]>,
  list: AsyncIterable<OrderReportRow[]>,
  ctx: Ctx,
  onError: (error: unknown) => void,
): Readable {
  const money = (value: number) => formatAmount(value, ctx.currency);
  const t = report.totals;
  const pdf = new ReportPdf({
    businessName: ctx.businessName,
    title: 'Rapport des commandes',
    meta: [
      { label: 'Site', value: siteLabel(report.site) },
      { label: 'Période', value: periodLabel(report.period) },
    ],
    generatedAt: ctx.generatedAt,
    landscape: true,
    bufferPages: t.orders <= BUFFERED_PAGES_MAX_ORDERS,
  });
  const live = t.orders - t.cancelled_orders;
  pdf.keyFigures([
    { label: 'Commandes', value: formatNumber(t.orders) },
    { label: "Chiffre d'affaires", value: money(t.revenue) },
    { label: 'Encaissé', value: money(t.paid) },
    { label: 'Reste à encaisser', value: money(t.balance) },
    { label: 'Avoirs', value: money(t.credit) },
    { label: 'Livrées', value: `${formatNumber(t.delivered_orders)} · ${money(t.delivered_amount)}` },
    { label: 'Annulées', value: `${formatNumber(t.cancelled_orders)} · ${money(t.cancelled_amount)}` },
    { label: 'Retours', value: money(t.returned_amount) },
    { label: 'Panier moyen', value: money(live > 0 ? Math.round(t.revenue / live) : 0) },
  ]);

  pdf.section('Par jour');
  pdf.table(
    [
      { header: 'Jour', width: 3, value: (row) => (row.day ? formatDate(row.day) : 'Total') },
      { header: 'Commandes', width: 2, align: 'right', value: (row) => formatNumber(row.orders) },
      { header: 'Annulées', width: 2, align: 'right', value: (row) => formatNumber(row.cancelled_orders) },
      { header: "Chiffre d'affaires", width: 3, align: 'right', value: (row) => money(row.revenue) },
    ] satisfies PdfColumn<OrdersReport['by_day'][number]>[],
    report.by_day,
    {
      maxWidth: SUMMARY_WIDTH,
      empty: 'Aucune commande sur la période.',
      total: {
        day: '',
        orders: t.orders,
        amount: 0,
        revenue: t.revenue,
        cancelled_orders: t.cancelled_orders,
      },
    },
  );
  pdf.section('Par statut');
  const statusRows = [
    ...report.by_status.map((row) => ({
      label: `Livraison : ${DELIVERY_STATUS_LABELS[row.delivery_status]}`,
      orders: row.orders,
      amount: row.amount,
    })),
    ...report.by_payment_status.map((row) => ({
      label: `Paiement : ${PAYMENT_STATUS_LABELS[row.payment_status]}`,
      orders: row.orders,
      amount: row.amount,
    })),
  ];
  pdf.table(
    [
      { header: 'Statut', width: 4, value: (row) => row.label },
      { header: 'Commandes', width: 2, align: 'right', value: (row) => formatNumber(row.orders) },
      { header: 'Montant', width: 3, align: 'right', value: (row) => money(row.amount) },
    ] satisfies PdfColumn<(typeof statusRows)[number]>[],
    statusRows,
    { maxWidth: SUMMARY_WIDTH, empty: 'Aucune commande sur la période.' },
  );

  pdf.section('Par vendeur');
  pdf.table(
    [
      { header: 'Vendeur', width: 4, value: (row) => row.name },
      { header: 'Commandes', width: 2, align: 'right', value: (row) => formatNumber(row.orders) },
      { header: 'Annulées', width: 2, align: 'right', value: (row) => formatNumber(row.cancelled_orders) },
      { header: "Chiffre d'affaires", width: 3, align: 'right', value: (row) => money(row.revenue) },
      { header: 'Encaissé', width: 3, align: 'right', value: (row) => money(row.paid) },
    ] satisfies PdfColumn<OrdersReport['by_vendor'][number]>[],
    report.by_vendor,
    { maxWidth: SUMMARY_WIDTH, empty: 'Aucune commande sur la période.' },
  );

  pdf.section('Par produit');
  pdf.table(
    [
      { header: 'Produit', width: 5, value: (row) => row.name },
      { header: 'Unité', width: 2, value: (row) => row.unit },
      { header: 'Quantité', width: 2, align: 'right', value: (row) => formatNumber(row.quantity) },
      { header: 'Retournée', width: 2, align: 'right', value: (row) => formatNumber(row.returned_quantity) },
      { header: 'Montant', width: 3, align: 'right', value: (row) => money(row.amount) },
    ] satisfies PdfColumn<OrdersReport['by_product'][number]>[],
    report.by_product,
    { maxWidth: SUMMARY_WIDTH, empty: 'Aucun produit vendu sur la période.' },
  );

  const write = async () => {
    pdf.section(`Commandes annulées (${formatNumber(t.cancelled_orders)})`);
    if (t.cancelled_orders === 0) pdf.note('Aucune commande annulée sur la période.');
    else if (!(await streamRows(pdf, cancelledColumns(ctx, report.site === null), cancelled))) return;

    pdf.section(`Liste des commandes (${formatNumber(t.orders)})`);
    if (t.orders === 0) pdf.note('Aucune commande sur la période.');
    else if (!(await streamRows(pdf, listColumns(ctx, report.site === null), list, true))) return;
    pdf.end();
  };
  write().catch((error: unknown) => {
    onError(error);
    pdf.output.destroy(error as Error);
  });
  return pdf.output;
}

type ListRow =
  | OrderReportRow
  | { total: true; totalAmount: number; paidAmount: number; rest: number; count: number };

/** What the order still asks, negative for what it holds beyond (a credit). */
const restOf = (row: OrderReportRow) => {
  const { balance, credit } = moneyOf(row);
  return balance - credit;
};

async function streamRows(
  pdf: ReportPdf,
  columns: PdfColumn<ListRow>[],
  batches: AsyncIterable<OrderReportRow[]>,
  withTotal = false,
): Promise<boolean> {
  const table = pdf.beginTable(columns);
  const sum = { total: true as const, totalAmount: 0, paidAmount: 0, rest: 0, count: 0 };
  for await (const rows of batches) {
    await renderWithTurns(rows, (row) => {
      table.row(row);
      sum.count += 1;
      sum.totalAmount += row.totalAmount;
      sum.paidAmount += row.paidAmount;
      sum.rest += restOf(row);
    });
    if (!(await waitForRoom(pdf.output))) return false;
  }
  if (withTotal) table.row(sum, { bold: true });
  table.end();
  return true;
}

function listColumns(ctx: Ctx, withSite: boolean): PdfColumn<ListRow>[] {
  const money = (value: number) => formatNumber(value);
  const columns: PdfColumn<ListRow>[] = [
    { header: 'N° commande', width: 12, value: (row) => ('total' in row ? 'Total' : row.number) },
    {
      header: 'Date',
      width: 9,
      value: (row) =>
        'total' in row ? `${formatNumber(row.count)} cmd` : formatDateTime(row.createdAt, ctx.timeZone),
    },
    { header: 'Client', width: 13, value: (row) => ('total' in row ? '' : row.clientName) },
    { header: 'Téléphone', width: 9, value: (row) => ('total' in row ? '' : (row.clientPhone ?? '')) },
    { header: 'Vendeur', width: 10, value: (row) => ('total' in row ? '' : row.vendor) },
    {
      header: 'Livraison',
      width: 7,
      value: (row) => ('total' in row ? '' : DELIVERY_STATUS_LABELS[row.deliveryStatus]),
    },
    {
      header: 'Paiement',
      width: 6,
      value: (row) => ('total' in row ? '' : PAYMENT_STATUS_LABELS[row.paymentStatus]),
    },
    { header: `Total (${ctx.currency})`, width: 7, align: 'right', value: (row) => money(row.totalAmount) },
    { header: `Payé (${ctx.currency})`, width: 7, align: 'right', value: (row) => money(row.paidAmount) },
    {
      header: `Reste (${ctx.currency})`,
      width: 7,
      align: 'right',
      // Net of returns, nothing for a cancelled order; a credit shows as a negative rest.
      value: (row) => money('total' in row ? row.rest : restOf(row)),
    },
  ];
  if (withSite)
    columns.splice(2, 0, { header: 'Site', width: 8, value: (row) => ('total' in row ? '' : row.siteName) });
  return columns;
}

function cancelledColumns(ctx: Ctx, withSite: boolean): PdfColumn<ListRow>[] {
  const columns: PdfColumn<ListRow>[] = [
    { header: 'N° commande', width: 12, value: (row) => ('total' in row ? '' : row.number) },
    {
      header: 'Date',
      width: 9,
      value: (row) => ('total' in row ? '' : formatDateTime(row.createdAt, ctx.timeZone)),
    },
    { header: 'Client', width: 14, value: (row) => ('total' in row ? '' : row.clientName) },
    { header: 'Vendeur', width: 11, value: (row) => ('total' in row ? '' : row.vendor) },
    {
      header: 'Annulée le',
      width: 9,
      value: (row) =>
        'total' in row || !row.cancelledAt ? '' : formatDateTime(row.cancelledAt, ctx.timeZone),
    },
    {
      header: `Montant (${ctx.currency})`,
      width: 8,
      align: 'right',
      value: (row) => formatNumber(row.totalAmount),
    },
  ];
  if (withSite)
    columns.splice(2, 0, { header: 'Site', width: 8, value: (row) => ('total' in row ? '' : row.siteName) });
  return columns;
}
