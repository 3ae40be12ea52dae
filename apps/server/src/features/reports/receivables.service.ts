import type { Readable } from 'node:stream';
import {
  paymentKindOf,
  type ReceivablesReport,
  type ReceivablesReportQuery,
  type ReportFormat,
} from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { toIso } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import type { ReportLog } from './orders-report.service.ts';
import {
  ageingBucket,
  receivableCsvColumns,
  renderReceivablesPdf,
  writeReceivablesWorkbook,
} from './receivables.render.ts';
import { selectOpenBalances, selectPaymentsOf } from './receivables.repo.ts';
import { csvSeparator, csvStream } from './render/csv.ts';
import { xlsxStream } from './render/xlsx.ts';
import {
  CONTENT_TYPES,
  fileName,
  type ReportContext,
  type ReportFile,
  reportSite,
} from './report-context.ts';

/**
 * The directory's client when the order has one; for an order never attached, the same client
 * written twice the same way: by phone digits when known, else by name.
 */
function clientKey(clientId: string | null, name: string, phone: string | null): string {
  if (clientId) return `id:${clientId}`;
  const digits = phone?.replace(/\D/g, '') ?? '';
  return digits ? `tel:${digits.slice(-8)}` : `nom:${name.trim().toLowerCase()}`;
}

/**
 * Open balances per client with ageing. The set is the business's unpaid deliveries, small by
 * nature, so it is assembled in memory (unlike the order list, which streams).
 */
export async function receivablesReport(
  db: Db,
  actor: Actor,
  query: ReceivablesReportQuery,
  format: ReportFormat,
  ctx: ReportContext,
  log: ReportLog,
): Promise<{ json: ReceivablesReport } | { file: ReportFile }> {
  const siteId = scopeSite(actor, query.site_id);
  const site = await reportSite(db, siteId);
  const open = await selectOpenBalances(db, { siteId, createdBy: query.created_by }, ctx.today, ctx.timeZone);
  const paymentsByOrder = new Map<
    string,
    ReceivablesReport['clients'][number]['items'][number]['payments']
  >();
  for (const line of await selectPaymentsOf(
    db,
    open.map((row) => row.id),
  )) {
    const list = paymentsByOrder.get(line.orderId) ?? [];
    list.push({
      amount: line.amount,
      method: line.method,
      kind: paymentKindOf(line.amount, line.method),
      created_at: toIso(line.createdAt),
    });
    paymentsByOrder.set(line.orderId, list);
  }

  const emptyAgeing = () => ({ '0_7': 0, '8_30': 0, over_30: 0 });
  const clients = new Map<string, ReceivablesReport['clients'][number]>();
  const totals: ReceivablesReport['totals'] = {
    clients: 0,
    orders: 0,
    total_amount: 0,
    returned_amount: 0,
    paid_amount: 0,
    balance: 0,
    ageing: emptyAgeing(),
  };
  for (const row of open) {
    const key = clientKey(row.clientId, row.clientName, row.clientPhone);
    let client = clients.get(key);
    if (!client) {
      client = {
        client_id: row.clientId,
        client_name: row.clientName,
        client_phone: row.clientPhone,
        orders: 0,
        total_amount: 0,
        returned_amount: 0,
        paid_amount: 0,
        balance: 0,
        ageing: emptyAgeing(),
        items: [],
      };
      clients.set(key, client);
    }
    const balance = row.totalAmount - row.returnedAmount - row.paidAmount;
    const bucket = ageingBucket(row.ageDays);
    for (const sum of [client, totals]) {
      sum.orders += 1;
      sum.total_amount += row.totalAmount;
      sum.returned_amount += row.returnedAmount;
      sum.paid_amount += row.paidAmount;
      sum.balance += balance;
      sum.ageing[bucket] += balance;
    }
    client.items.push({
      order_id: row.id,
      number: row.number,
      delivered_at: toIso(row.deliveredAt),
      total_amount: row.totalAmount,
      returned_amount: row.returnedAmount,
      paid_amount: row.paidAmount,
      balance,
      age_days: row.ageDays,
      payments: paymentsByOrder.get(row.id) ?? [],
    });
  }
  totals.clients = clients.size;
  const report: ReceivablesReport = {
    as_of: ctx.today,
    site,
    generated_at: toIso(ctx.now),
    totals,
    clients: [...clients.values()].sort(
      (a, b) => b.balance - a.balance || a.client_name.localeCompare(b.client_name, 'fr'),
    ),
  };
  if (format === 'json') return { json: report };

  const filename = fileName('creances', [ctx.today], format);
  const lines = report.clients.flatMap((client) => client.items.map((item) => ({ client, item })));
  if (format === 'csv') {
    const batches = (async function* () {
      yield lines;
    })();
    return {
      file: {
        stream: csvStream(receivableCsvColumns(ctx), batches, csvSeparator(query.sep)),
        contentType: CONTENT_TYPES.csv,
        filename,
      },
    };
  }
  const onError = (error: unknown) => log.error({ err: error }, 'receivables report failed while streaming');
  if (format === 'xlsx') {
    return {
      file: {
        stream: xlsxStream((book) => writeReceivablesWorkbook(book, report, lines, ctx), onError),
        contentType: CONTENT_TYPES.xlsx,
        filename,
      },
    };
  }
  const pdf: Readable = renderReceivablesPdf(report, lines, ctx);
  return { file: { stream: pdf, contentType: CONTENT_TYPES.pdf, filename } };
}
