import type { Readable } from 'node:stream';
import type { StockReport } from '@gapal/shared';
import { formatNumber } from '../../lib/format-number.ts';
import type { CsvColumn } from './render/csv.ts';
import { calendarDate, formatAmount, formatDate, formatDateTime, wallClock } from './render/format.ts';
import { type PdfColumn, ReportPdf } from './render/pdf-document.ts';
import type { XlsxBook } from './render/xlsx.ts';
import { periodLabel, type ReportContext, siteLabel } from './report-context.ts';

type Ctx = Pick<ReportContext, 'timeZone' | 'currency' | 'businessName' | 'generatedAt'>;
type Lot = StockReport['lots'][number];
type Product = StockReport['products'][number];
type Loss = StockReport['losses'][number];

function expiryText(days: number): string {
  if (days < 0) return `périmé depuis ${-days} j`;
  if (days === 0) return 'expire ce jour';
  return `${days} j`;
}

/** The CSV is the stock per lot at the date (product, lot, expiry, quantity, value). */
export const STOCK_CSV_COLUMNS = (ctx: Ctx): CsvColumn<Lot>[] => [
  { header: 'Site', value: (row) => row.site_name },
  { header: 'Produit', value: (row) => row.product_name },
  { header: 'Lot', value: (row) => row.code },
  { header: 'Péremption', value: (row) => row.expiry_date },
  { header: 'Jours avant péremption', value: (row) => row.days_to_expiry },
  { header: 'Quantité', value: (row) => row.quantity },
  { header: `Valeur (${ctx.currency})`, value: (row) => row.value },
];

export async function writeStockWorkbook(book: XlsxBook, report: StockReport, ctx: Ctx): Promise<void> {
  const products = book.sheet<Product>('Par produit', [
    { header: 'Site', width: 16, value: (row) => row.site_name },
    { header: 'Produit', width: 28, value: (row) => row.name },
    { header: 'Catégorie', width: 16, value: (row) => row.category },
    { header: 'Unité', width: 10, value: (row) => row.unit },
    { header: 'Quantité', kind: 'int', value: (row) => row.quantity },
    { header: `Prix unitaire (${ctx.currency})`, width: 18, kind: 'amount', value: (row) => row.unit_price },
    { header: `Valeur (${ctx.currency})`, width: 16, kind: 'amount', value: (row) => row.value },
    { header: "Seuil d'alerte", kind: 'int', value: (row) => row.min_stock_level },
  ]);
  await products.add(report.products);
  products.commit();
  const lotColumns = [
    { header: 'Site', width: 16, value: (row: Lot) => row.site_name },
    { header: 'Produit', width: 28, value: (row: Lot) => row.product_name },
    { header: 'Lot', width: 16, value: (row: Lot) => row.code },
    {
      header: 'Péremption',
      width: 12,
      kind: 'date' as const,
      value: (row: Lot) => calendarDate(row.expiry_date),
    },
    { header: 'Jours restants', kind: 'int' as const, value: (row: Lot) => row.days_to_expiry },
    { header: 'Quantité', kind: 'int' as const, value: (row: Lot) => row.quantity },
    {
      header: `Valeur (${ctx.currency})`,
      width: 16,
      kind: 'amount' as const,
      value: (row: Lot) => row.value,
    },
  ];
  const lots = book.sheet<Lot>('Par lot', lotColumns);
  await lots.add(report.lots);
  lots.commit();
  const expiring = book.sheet<Lot>('Péremption', lotColumns);
  await expiring.add(report.lots.filter((lot) => lot.days_to_expiry <= report.expiring_days));
  expiring.commit();
  const losses = book.sheet<Loss>('Pertes', [
    {
      header: 'Date',
      width: 17,
      kind: 'datetime',
      value: (row) => wallClock(new Date(row.created_at), ctx.timeZone),
    },
    { header: 'Site', width: 16, value: (row) => row.site_name },
    { header: 'Produit', width: 28, value: (row) => row.product_name },
    { header: 'Lot', width: 16, value: (row) => row.lot_code },
    { header: 'Quantité', kind: 'int', value: (row) => row.quantity },
    { header: `Valeur (${ctx.currency})`, width: 16, kind: 'amount', value: (row) => row.value },
    { header: 'Motif', width: 30, value: (row) => row.reason },
    { header: 'Par', width: 16, value: (row) => row.username },
  ]);
  await losses.add(report.losses);
  losses.commit();
}

export function renderStockPdf(report: StockReport, ctx: Ctx): Readable {
  const money = (value: number) => formatAmount(value, ctx.currency);
  const t = report.totals;
  const allSites = report.site === null;
  const pdf = new ReportPdf({
    businessName: ctx.businessName,
    title: `État du stock au ${formatDate(report.date)}`,
    meta: [
      { label: 'Site', value: siteLabel(report.site) },
      { label: 'Stock au', value: `${formatDate(report.date)} (fin de journée)` },
      { label: 'Pertes', value: periodLabel(report.losses_period) },
    ],
    generatedAt: ctx.generatedAt,
    bufferPages: true,
  });
  pdf.keyFigures([
    { label: 'Unités en stock', value: formatNumber(t.quantity) },
    { label: 'Valeur (prix actuels)', value: money(t.value) },
    { label: `Lots à écouler sous ${report.expiring_days} j`, value: formatNumber(t.expiring_lots) },
    { label: 'Pertes', value: `${formatNumber(t.loss_quantity)} · ${money(t.loss_value)}` },
  ]);

  const site = <T extends { site_name: string }>(): PdfColumn<T>[] =>
    allSites ? [{ header: 'Site', width: 3, value: (row) => row.site_name ?? '' }] : [];
  pdf.section('Stock par produit');
  const productTotal = { name: 'Total', quantity: t.quantity, value: t.value } as Product;
  pdf.table(
    [
      ...site<Product>(),
      { header: 'Produit', width: 6, value: (row) => row.name },
      { header: 'Catégorie', width: 3, value: (row) => row.category ?? '' },
      {
        header: 'Quantité',
        width: 2.5,
        align: 'right',
        value: (row) => `${formatNumber(row.quantity)} ${row.unit ?? ''}`,
      },
      {
        header: 'Prix unitaire',
        width: 2.5,
        align: 'right',
        value: (row) => (row.unit ? money(row.unit_price) : ''),
      },
      { header: 'Valeur', width: 3, align: 'right', value: (row) => money(row.value) },
    ],
    report.products,
    { total: productTotal, empty: 'Aucun stock à cette date.' },
  );

  pdf.section(`Lots périmés ou à écouler sous ${report.expiring_days} jours`);
  const lotColumns: PdfColumn<Lot>[] = [
    ...site<Lot>(),
    { header: 'Produit', width: 6, value: (row) => row.product_name },
    { header: 'Lot', width: 3, value: (row) => row.code },
    { header: 'Péremption', width: 2.5, value: (row) => formatDate(row.expiry_date) },
    { header: 'Échéance', width: 2.5, value: (row) => expiryText(row.days_to_expiry) },
    { header: 'Quantité', width: 2, align: 'right', value: (row) => formatNumber(row.quantity) },
    { header: 'Valeur', width: 3, align: 'right', value: (row) => money(row.value) },
  ];
  pdf.table(
    lotColumns,
    report.lots.filter((lot) => lot.days_to_expiry <= report.expiring_days),
    { empty: 'Aucun lot ne périme dans ce délai.' },
  );

  pdf.section(`Pertes ${periodLabel(report.losses_period)}`);
  pdf.table(
    [
      {
        header: 'Date',
        width: 3,
        value: (row) => (row.created_at ? formatDateTime(new Date(row.created_at), ctx.timeZone) : ''),
      },
      ...site<Loss>(),
      { header: 'Produit', width: 5, value: (row) => row.product_name },
      { header: 'Lot', width: 2.5, value: (row) => row.lot_code },
      { header: 'Quantité', width: 2, align: 'right', value: (row) => formatNumber(row.quantity) },
      { header: 'Valeur', width: 2.5, align: 'right', value: (row) => money(row.value) },
      { header: 'Motif', width: 4, value: (row) => row.reason ?? '' },
    ],
    report.losses,
    {
      total: {
        product_name: 'Total',
        quantity: t.loss_quantity,
        value: t.loss_value,
        created_at: '',
      } as Loss,
      empty: 'Aucune perte sur la période.',
    },
  );

  pdf.section('Stock par lot');
  pdf.table(lotColumns, report.lots, { empty: 'Aucun lot en stock à cette date.' });
  pdf.end();
  return pdf.output;
}
