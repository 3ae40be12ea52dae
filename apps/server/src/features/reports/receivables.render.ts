import type { Readable } from 'node:stream';
import type { ReceivablesReport } from '@gapal/shared';
import { formatNumber } from '../../lib/format-number.ts';
import type { CsvColumn } from './render/csv.ts';
import {
  csvDateTime,
  formatAmount,
  formatDate,
  formatDateTime,
  localParts,
  PAYMENT_METHOD_LABELS,
  wallClock,
} from './render/format.ts';
import { type PdfColumn, ReportPdf } from './render/pdf-document.ts';
import type { XlsxBook } from './render/xlsx.ts';
import { type ReportContext, siteLabel } from './report-context.ts';

type Ctx = Pick<ReportContext, 'timeZone' | 'currency' | 'businessName' | 'generatedAt'>;
type Client = ReceivablesReport['clients'][number];
type Item = Client['items'][number];
export type ReceivableLine = { client: Client; item: Item };

const BUCKET_LABELS = { '0_7': '0 à 7 jours', '8_30': '8 à 30 jours', over_30: 'Plus de 30 jours' } as const;

/** Ageing from the delivery day: 0–7 days, 8–30 days, more than 30. */
export function ageingBucket(ageDays: number): keyof typeof BUCKET_LABELS {
  if (ageDays <= 7) return '0_7';
  if (ageDays <= 30) return '8_30';
  return 'over_30';
}

/** `15/11 Espèces 2 000 ; 18/11 Orange Money 1 000` */
function paymentsText(item: Item, timeZone: string, withYear = false): string {
  return item.payments
    .map((payment) => {
      const day = formatDate(localParts(new Date(payment.created_at), timeZone).date);
      return `${withYear ? day : day.slice(0, 5)} ${PAYMENT_METHOD_LABELS[payment.method]} ${formatNumber(payment.amount)}`;
    })
    .join(' ; ');
}

export const receivableCsvColumns = (ctx: Ctx): CsvColumn<ReceivableLine>[] => [
  { header: 'Client', value: ({ client }) => client.client_name },
  { header: 'Téléphone', value: ({ client }) => client.client_phone },
  { header: 'N° commande', value: ({ item }) => item.number },
  { header: 'Livrée le', value: ({ item }) => csvDateTime(new Date(item.delivered_at), ctx.timeZone) },
  { header: `Montant (${ctx.currency})`, value: ({ item }) => item.total_amount },
  { header: `Retourné (${ctx.currency})`, value: ({ item }) => item.returned_amount },
  { header: `Payé (${ctx.currency})`, value: ({ item }) => item.paid_amount },
  { header: `Reste (${ctx.currency})`, value: ({ item }) => item.balance },
  { header: 'Âge (jours)', value: ({ item }) => item.age_days },
  { header: 'Ancienneté', value: ({ item }) => BUCKET_LABELS[ageingBucket(item.age_days)] },
  { header: 'Paiements', value: ({ item }) => paymentsText(item, ctx.timeZone, true) },
];

export async function writeReceivablesWorkbook(
  book: XlsxBook,
  report: ReceivablesReport,
  lines: ReceivableLine[],
  ctx: Ctx,
): Promise<void> {
  const clients = book.sheet<Client>('Par client', [
    { header: 'Client', width: 26, value: (row) => row.client_name },
    { header: 'Téléphone', width: 16, value: (row) => row.client_phone },
    { header: 'Commandes', kind: 'int', value: (row) => row.orders },
    { header: `Montant (${ctx.currency})`, kind: 'amount', value: (row) => row.total_amount },
    { header: `Retourné (${ctx.currency})`, kind: 'amount', value: (row) => row.returned_amount },
    { header: `Payé (${ctx.currency})`, kind: 'amount', value: (row) => row.paid_amount },
    { header: `Reste (${ctx.currency})`, kind: 'amount', value: (row) => row.balance },
    { header: '0 à 7 jours', kind: 'amount', value: (row) => row.ageing['0_7'] },
    { header: '8 à 30 jours', kind: 'amount', value: (row) => row.ageing['8_30'] },
    { header: 'Plus de 30 jours', kind: 'amount', value: (row) => row.ageing.over_30 },
  ]);
  await clients.add(report.clients);
  clients.commit();
  const detail = book.sheet<ReceivableLine>('Détail', [
    { header: 'Client', width: 26, value: ({ client }) => client.client_name },
    { header: 'N° commande', width: 20, value: ({ item }) => item.number },
    {
      header: 'Livrée le',
      width: 17,
      kind: 'datetime',
      value: ({ item }) => wallClock(new Date(item.delivered_at), ctx.timeZone),
    },
    { header: `Montant (${ctx.currency})`, kind: 'amount', value: ({ item }) => item.total_amount },
    { header: `Retourné (${ctx.currency})`, kind: 'amount', value: ({ item }) => item.returned_amount },
    { header: `Payé (${ctx.currency})`, kind: 'amount', value: ({ item }) => item.paid_amount },
    { header: `Reste (${ctx.currency})`, kind: 'amount', value: ({ item }) => item.balance },
    { header: 'Âge (jours)', kind: 'int', value: ({ item }) => item.age_days },
    { header: 'Paiements', width: 50, value: ({ item }) => paymentsText(item, ctx.timeZone, true) },
  ]);
  await detail.add(lines);
  detail.commit();
}

export function renderReceivablesPdf(report: ReceivablesReport, lines: ReceivableLine[], ctx: Ctx): Readable {
  const money = (value: number) => formatAmount(value, ctx.currency);
  const t = report.totals;
  const pdf = new ReportPdf({
    businessName: ctx.businessName,
    title: 'Créances clients (commandes livrées non soldées)',
    meta: [
      { label: 'Site', value: siteLabel(report.site) },
      { label: 'Au', value: formatDate(report.as_of) },
    ],
    generatedAt: ctx.generatedAt,
    landscape: true,
    bufferPages: true,
  });
  pdf.keyFigures([
    { label: 'Reste dû', value: money(t.balance) },
    { label: 'Clients', value: formatNumber(t.clients) },
    { label: 'Commandes', value: formatNumber(t.orders) },
    { label: 'Déjà payé (acomptes)', value: money(t.paid_amount) },
    { label: '0 à 7 jours', value: money(t.ageing['0_7']) },
    { label: '8 à 30 jours', value: money(t.ageing['8_30']) },
    { label: 'Plus de 30 jours', value: money(t.ageing.over_30) },
    { label: 'Montant facturé', value: money(t.total_amount) },
    { label: 'Retourné', value: money(t.returned_amount) },
  ]);

  const total: Client = {
    client_id: null,
    client_name: 'Total',
    client_phone: null,
    orders: t.orders,
    total_amount: t.total_amount,
    returned_amount: t.returned_amount,
    paid_amount: t.paid_amount,
    balance: t.balance,
    ageing: t.ageing,
    items: [],
  };
  pdf.section('Soldes par client');
  pdf.table(
    [
      { header: 'Client', width: 10, value: (row) => row.client_name },
      { header: 'Téléphone', width: 7, value: (row) => row.client_phone ?? '' },
      { header: 'Cmd', width: 3, align: 'right', value: (row) => formatNumber(row.orders) },
      { header: 'Montant', width: 8, align: 'right', value: (row) => money(row.total_amount) },
      { header: 'Retourné', width: 8, align: 'right', value: (row) => money(row.returned_amount) },
      { header: 'Payé', width: 8, align: 'right', value: (row) => money(row.paid_amount) },
      { header: 'Reste dû', width: 8, align: 'right', value: (row) => money(row.balance) },
      { header: '0 à 7 j', width: 7, align: 'right', value: (row) => formatNumber(row.ageing['0_7']) },
      { header: '8 à 30 j', width: 7, align: 'right', value: (row) => formatNumber(row.ageing['8_30']) },
      { header: '> 30 j', width: 7, align: 'right', value: (row) => formatNumber(row.ageing.over_30) },
    ] satisfies PdfColumn<Client>[],
    report.clients,
    { total, empty: 'Aucune créance : toutes les commandes livrées sont payées.' },
  );

  if (lines.length > 0) {
    pdf.section('Détail des commandes et paiements partiels');
    pdf.table(
      [
        { header: 'Client', width: 10, value: ({ client }) => client.client_name },
        { header: 'N° commande', width: 9, value: ({ item }) => item.number },
        {
          header: 'Livrée le',
          width: 7,
          value: ({ item }) => formatDateTime(new Date(item.delivered_at), ctx.timeZone),
        },
        { header: 'Montant', width: 6, align: 'right', value: ({ item }) => formatNumber(item.total_amount) },
        { header: 'Payé', width: 6, align: 'right', value: ({ item }) => formatNumber(item.paid_amount) },
        { header: 'Reste', width: 6, align: 'right', value: ({ item }) => formatNumber(item.balance) },
        { header: 'Âge', width: 3, align: 'right', value: ({ item }) => `${item.age_days} j` },
        {
          header: 'Paiements reçus',
          width: 16,
          value: ({ item }) => paymentsText(item, ctx.timeZone) || 'aucun',
        },
      ] satisfies PdfColumn<ReceivableLine>[],
      lines,
    );
    pdf.note(`Montants en ${ctx.currency}. Âge compté en jours depuis la livraison.`);
  }
  pdf.end();
  return pdf.output;
}
