import {
  type ClientStatement,
  type ClientStatementLine,
  type ClientStatementQuery,
  paymentKindOf,
} from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { notFound } from '../../domain/errors.ts';
import { toIso } from '../../lib/dates.ts';
import { assertSiteVisible } from '../../lib/site-scope.ts';
import { csvSeparator, csvStream } from '../reports/render/csv.ts';
import {
  CONTENT_TYPES,
  fileName,
  type ReportContext,
  type ReportFile,
  resolvePeriod,
} from '../reports/report-context.ts';
import { findSiteRow } from '../sites/sites.repo.ts';
import { toClientDto } from './client-dto.ts';
import { renderStatementPdf, statementCsvColumns, statementRows } from './client-statement.render.ts';
import { readClient, selectStatement } from './clients.repo.ts';

/**
 * The relevé de compte of a period (inclusive days in the business time zone, default the last
 * 30): the balance owed at its start, each order taken (debit), return and payment received
 * (credit), refund (debit) and credit moved between the client's orders (a pair that cancels out),
 * with the running balance, and the balance at its end. Cancelled orders are left out with their
 * payments, as from the balance.
 */
export async function clientStatement(
  db: Db,
  actor: Actor,
  id: string,
  query: ClientStatementQuery,
  ctx: ReportContext,
): Promise<{ json: ClientStatement } | { file: ReportFile }> {
  const found = await readClient(db, id);
  if (!found) throw notFound('Client');
  assertSiteVisible(actor, found.client.siteId, 'Client');
  const period = resolvePeriod(query.from, query.to, ctx.today);
  const site = await findSiteRow(db, found.client.siteId);
  const { opening, lines } = await selectStatement(db, id, { ...period, timeZone: ctx.timeZone });
  let balance = opening;
  let totalDebit = 0;
  let totalCredit = 0;
  const statementLines: ClientStatementLine[] = lines.map((line) => {
    // `amount` counts for the client: + owes more (an order, a refund), − owes less.
    const debit = Math.max(0, line.amount);
    const credit = Math.max(0, -line.amount);
    balance += line.amount;
    totalDebit += debit;
    totalCredit += credit;
    return {
      kind: line.kind,
      payment_kind: line.paymentAmount === null ? null : paymentKindOf(line.paymentAmount, line.method!),
      at: toIso(line.at),
      order_id: line.orderId,
      order_number: line.orderNumber,
      method: line.method,
      reference: line.reference,
      debit,
      credit,
      balance,
    };
  });
  const statement: ClientStatement = {
    client: toClientDto(found.client, found.client.createdByName),
    site: { id: site!.id, name: site!.name, code: site!.code },
    from: period.from,
    to: period.to,
    generated_at: toIso(ctx.now),
    opening_balance: opening,
    lines: statementLines,
    total_debit: totalDebit,
    total_credit: totalCredit,
    closing_balance: balance,
  };
  if (query.format === 'json') return { json: statement };
  const filename = fileName('releve', [site!.code, id.slice(0, 8), period.from, period.to], query.format);
  if (query.format === 'csv') {
    const batches = (async function* () {
      yield statementRows(statement);
    })();
    return {
      file: {
        stream: csvStream(statementCsvColumns(ctx), batches, csvSeparator(query.sep)),
        contentType: CONTENT_TYPES.csv,
        filename,
      },
    };
  }
  return { file: { stream: renderStatementPdf(statement, ctx), contentType: CONTENT_TYPES.pdf, filename } };
}
