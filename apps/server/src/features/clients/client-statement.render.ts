import type { Readable } from 'node:stream';
import type { ClientStatement, ClientStatementLine, PaymentKind } from '@gapal/shared';
import { formatNumber } from '../../lib/format-number.ts';
import type { CsvColumn } from '../reports/render/csv.ts';
import {
  csvDateTime,
  formatAmount,
  formatDateTime,
  PAYMENT_METHOD_LABELS,
} from '../reports/render/format.ts';
import { type PdfColumn, ReportPdf } from '../reports/render/pdf-document.ts';
import { periodLabel, type ReportContext } from '../reports/report-context.ts';

type Ctx = Pick<ReportContext, 'timeZone' | 'currency' | 'businessName' | 'generatedAt'>;

const OPERATION_LABELS: Record<ClientStatementLine['kind'] | PaymentKind, string> = {
  order: 'Commande',
  return: 'Retour',
  payment: 'Paiement',
  paiement: 'Paiement',
  remboursement: 'Remboursement',
  avoir_sortant: 'Avoir vers une autre commande',
  avoir_entrant: 'Avoir d’une autre commande',
};

/** A printed line: the opening balance, an order, a payment, the closing balance. */
export type StatementRow = {
  at: string | null;
  operation: string;
  orderNumber: string;
  method: string;
  reference: string;
  debit: number;
  credit: number;
  balance: number;
};

/** The statement's lines between its opening and closing balances. */
export function statementRows(statement: ClientStatement): StatementRow[] {
  const edge = (operation: string, balance: number): StatementRow => ({
    at: null,
    operation,
    orderNumber: '',
    method: '',
    reference: '',
    debit: 0,
    credit: 0,
    balance,
  });
  return [
    edge('Solde d’ouverture', statement.opening_balance),
    ...statement.lines.map((line) => ({
      at: line.at,
      operation: OPERATION_LABELS[line.payment_kind ?? line.kind],
      orderNumber: line.order_number,
      method: line.method ? PAYMENT_METHOD_LABELS[line.method] : '',
      reference: line.reference ?? '',
      debit: line.debit,
      credit: line.credit,
      balance: line.balance,
    })),
    edge('Solde de clôture', statement.closing_balance),
  ];
}

export const statementCsvColumns = (ctx: Ctx): CsvColumn<StatementRow>[] => [
  { header: 'Date', value: (row) => (row.at ? csvDateTime(new Date(row.at), ctx.timeZone) : '') },
  { header: 'Opération', value: (row) => row.operation },
  { header: 'N° commande', value: (row) => row.orderNumber },
  { header: 'Mode', value: (row) => row.method },
  { header: 'Référence', value: (row) => row.reference },
  { header: `Débit (${ctx.currency})`, value: (row) => row.debit || '' },
  { header: `Crédit (${ctx.currency})`, value: (row) => row.credit || '' },
  { header: `Solde (${ctx.currency})`, value: (row) => row.balance },
];

/** `Commande CMD-…`, `Retour (abîmé) · CMD-…`, `Paiement Orange Money (réf. MP123) · CMD-…`. */
function describe(row: StatementRow): string {
  if (!row.orderNumber) return row.operation;
  if (row.operation === 'Commande') return `Commande ${row.orderNumber}`;
  const method = row.method && row.method !== 'Avoir' ? ` ${row.method}` : '';
  const reference = row.reference ? ` (${row.operation === 'Retour' ? '' : 'réf. '}${row.reference})` : '';
  return `${row.operation}${method}${reference} · ${row.orderNumber}`;
}

export function renderStatementPdf(statement: ClientStatement, ctx: Ctx): Readable {
  const money = (value: number) => formatAmount(value, ctx.currency);
  const { client } = statement;
  const pdf = new ReportPdf({
    businessName: ctx.businessName,
    title: `Relevé de compte — ${client.name}`,
    meta: [
      { label: 'Client', value: client.phone ? `${client.name} · ${client.phone}` : client.name },
      { label: 'Site', value: statement.site.name },
      { label: 'Période', value: periodLabel(statement) },
    ],
    generatedAt: ctx.generatedAt,
    bufferPages: true,
  });
  pdf.keyFigures([
    { label: 'Solde d’ouverture', value: money(statement.opening_balance) },
    { label: 'Commandes (débit)', value: money(statement.total_debit) },
    { label: 'Paiements (crédit)', value: money(statement.total_credit) },
    { label: 'Solde de clôture', value: money(statement.closing_balance) },
  ]);
  pdf.section('Opérations de la période');
  const rows = statementRows(statement);
  const closing = rows.pop()!;
  pdf.table(
    [
      {
        header: 'Date',
        width: 4,
        value: (row) => (row.at ? formatDateTime(new Date(row.at), ctx.timeZone) : ''),
      },
      { header: 'Opération', width: 10, value: describe },
      {
        header: 'Débit',
        width: 3,
        align: 'right',
        value: (row) => (row.debit ? formatNumber(row.debit) : ''),
      },
      {
        header: 'Crédit',
        width: 3,
        align: 'right',
        value: (row) => (row.credit ? formatNumber(row.credit) : ''),
      },
      { header: 'Solde', width: 3, align: 'right', value: (row) => formatNumber(row.balance) },
    ] satisfies PdfColumn<StatementRow>[],
    rows,
    { total: { ...closing, debit: statement.total_debit, credit: statement.total_credit } },
  );
  pdf.note(
    `Montants en ${ctx.currency}. Débit : commandes prises, remboursements ; crédit : retours, paiements reçus. Un solde négatif est un avoir du client.`,
  );
  pdf.end();
  return pdf.output;
}
