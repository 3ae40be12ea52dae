import type { Readable } from 'node:stream';
import type { DailySummary } from '@gapal/shared';
import { formatNumber } from '../../lib/format-number.ts';
import { DELIVERY_STATUS_LABELS, formatAmount, formatDate, PAYMENT_METHOD_LABELS } from './render/format.ts';
import { type PdfColumn, ReportPdf } from './render/pdf-document.ts';
import { type ReportContext, siteLabel } from './report-context.ts';

type Ctx = Pick<ReportContext, 'timeZone' | 'currency' | 'businessName' | 'generatedAt'>;
type Alerts = DailySummary['stock_alerts'];

export function renderDailySummaryPdf(summary: DailySummary, alertDays: number, ctx: Ctx): Readable {
  const money = (value: number) => formatAmount(value, ctx.currency);
  const pdf = new ReportPdf({
    businessName: ctx.businessName,
    title: `Synthèse du ${formatDate(summary.date)}`,
    meta: [
      { label: 'Site', value: siteLabel(summary.site) },
      { label: 'Journée', value: formatDate(summary.date) },
    ],
    generatedAt: ctx.generatedAt,
    bufferPages: true,
  });
  const alerts = summary.stock_alerts;
  pdf.keyFigures([
    { label: 'Commandes du jour', value: formatNumber(summary.orders.count) },
    { label: 'Montant commandé', value: money(summary.orders.amount) },
    {
      label: 'Livraisons',
      value: `${formatNumber(summary.deliveries.count)} · ${money(summary.deliveries.amount)}`,
    },
    { label: 'Encaissé', value: money(summary.collections.total) },
    { label: 'Espèces', value: money(summary.collections.cash) },
    { label: 'Mobile money', value: money(summary.collections.mobile_money) },
    {
      label: 'Remboursé',
      value: `${formatNumber(summary.collections.refunds.count)} · ${money(summary.collections.refunds.amount)}`,
    },
    { label: 'Annulations', value: formatNumber(summary.orders.cancelled) },
    {
      label: 'Alertes de stock',
      value: formatNumber(alerts.out_of_stock.length + alerts.low_stock.length + alerts.expiring_lots.length),
    },
  ]);

  pdf.section('Encaissements par mode de paiement');
  pdf.table(
    [
      {
        header: 'Mode',
        width: 4,
        value: (row) => (row.method ? PAYMENT_METHOD_LABELS[row.method] : 'Total'),
      },
      { header: 'Paiements', width: 2, align: 'right', value: (row) => formatNumber(row.count) },
      { header: 'Montant', width: 3, align: 'right', value: (row) => money(row.amount) },
    ] satisfies PdfColumn<{
      method: DailySummary['collections']['by_method'][number]['method'] | null;
      count: number;
      amount: number;
    }>[],
    summary.collections.by_method,
    {
      total: {
        method: null,
        count: summary.collections.by_method.reduce((sum, row) => sum + row.count, 0),
        amount: summary.collections.total,
      },
    },
  );

  pdf.section('Commandes du jour par statut');
  pdf.table(
    [
      { header: 'Statut', width: 4, value: (row) => DELIVERY_STATUS_LABELS[row.delivery_status] },
      { header: 'Commandes', width: 2, align: 'right', value: (row) => formatNumber(row.orders) },
      { header: 'Montant', width: 3, align: 'right', value: (row) => money(row.amount) },
    ] satisfies PdfColumn<DailySummary['orders']['by_status'][number]>[],
    summary.orders.by_status,
    { empty: 'Aucune commande prise ce jour.' },
  );

  pdf.section('Alertes de stock (fin de journée)');
  const stockRows = [
    ...alerts.out_of_stock.map((row) => ({ name: row.name, state: 'Rupture', detail: 'stock à 0' })),
    ...alerts.low_stock.map((row) => ({
      name: row.name,
      state: 'Stock bas',
      detail: `${formatNumber(row.quantity)} (seuil ${formatNumber(row.min_stock_level)})`,
    })),
  ];
  pdf.table(
    [
      { header: 'Produit', width: 5, value: (row) => row.name },
      { header: 'Alerte', width: 2, value: (row) => row.state },
      { header: 'Détail', width: 3, value: (row) => row.detail },
    ] satisfies PdfColumn<(typeof stockRows)[number]>[],
    stockRows,
    { empty: 'Aucune rupture ni stock bas.' },
  );
  pdf.section(`Lots périmés ou à écouler sous ${alertDays} jours`);
  pdf.table(
    [
      { header: 'Produit', width: 4, value: (row) => row.product_name },
      { header: 'Lot', width: 2, value: (row) => row.code },
      { header: 'Péremption', width: 2, value: (row) => formatDate(row.expiry_date) },
      { header: 'Échéance', width: 2, value: (row) => expiryText(row.days_to_expiry) },
      { header: 'Quantité', width: 2, align: 'right', value: (row) => formatNumber(row.quantity) },
    ] satisfies PdfColumn<Alerts['expiring_lots'][number]>[],
    alerts.expiring_lots,
    { empty: 'Aucun lot ne périme dans ce délai.' },
  );
  pdf.end();
  return pdf.output;
}

function expiryText(days: number): string {
  if (days < 0) return `périmé depuis ${-days} j`;
  if (days === 0) return 'expire ce jour';
  return `dans ${days} j`;
}
