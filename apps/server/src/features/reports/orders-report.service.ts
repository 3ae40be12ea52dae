import type { OrdersReport, OrdersReportQuery, ReportFormat } from '@gapal/shared';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import { toIso } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { renderOrdersPdf } from './orders-report.render.ts';
import {
  cancelledOrderConditions,
  orderBatches,
  orderReportConditions,
  selectOrdersByDay,
  selectOrdersByPaymentStatus,
  selectOrdersByProduct,
  selectOrdersByStatus,
  selectOrdersByVendor,
  selectOrderTotals,
} from './orders-report.repo.ts';
import { ORDER_CSV_COLUMNS, writeOrdersWorkbook } from './orders-report.sheets.ts';
import { csvSeparator, csvStream } from './render/csv.ts';
import { xlsxStream } from './render/xlsx.ts';
import {
  CONTENT_TYPES,
  fileName,
  type ReportContext,
  type ReportFile,
  reportSite,
  resolvePeriod,
} from './report-context.ts';

export type ReportLog = { error(object: object, message: string): void };

/**
 * The orders report of a period: aggregates are computed by the database before anything is
 * sent (so bad input and errors still get a proper status), then the order list streams.
 */
export async function ordersReport(
  db: Db,
  actor: Actor,
  query: OrdersReportQuery,
  format: ReportFormat,
  ctx: ReportContext,
  log: ReportLog,
): Promise<{ json: OrdersReport } | { file: ReportFile }> {
  const period = resolvePeriod(query.from, query.to, ctx.today);
  if (query.delivery_from && query.delivery_to && query.delivery_from > query.delivery_to) {
    throw new AppError('validation_error', 'La date de début est après la date de fin', {
      fields: [{ field: 'delivery_from', message: 'après la date de fin', code: 'after_end_date' }],
    });
  }
  const siteId = scopeSite(actor, query.site_id);
  const site = await reportSite(db, siteId);
  const where = orderReportConditions(query, period, siteId, ctx.timeZone);
  const base = fileName('commandes', [period.from, period.to], format);

  if (format === 'csv') {
    return {
      file: {
        stream: csvStream(ORDER_CSV_COLUMNS(ctx), orderBatches(db, where), csvSeparator(query.sep)),
        contentType: CONTENT_TYPES.csv,
        filename: base,
      },
    };
  }
  const report = await summarizeOrders(db, where, period, site, ctx);
  if (format === 'json') return { json: report };
  const cancelledWhere = cancelledOrderConditions(where);
  const onError = (error: unknown) => log.error({ err: error }, 'orders report failed while streaming');
  if (format === 'xlsx') {
    return {
      file: {
        stream: xlsxStream(
          (book) => writeOrdersWorkbook(book, report, orderBatches(db, where), ctx),
          onError,
        ),
        contentType: CONTENT_TYPES.xlsx,
        filename: base,
      },
    };
  }
  return {
    file: {
      stream: renderOrdersPdf(
        report,
        orderBatches(db, cancelledWhere),
        orderBatches(db, where),
        ctx,
        onError,
      ),
      contentType: CONTENT_TYPES.pdf,
      filename: base,
    },
  };
}

async function summarizeOrders(
  db: Db,
  where: SQL[],
  period: { from: string; to: string },
  site: OrdersReport['site'],
  ctx: ReportContext,
): Promise<OrdersReport> {
  const totals = await selectOrderTotals(db, where);
  const byDay = await selectOrdersByDay(db, where, ctx.timeZone);
  const byStatus = await selectOrdersByStatus(db, where);
  const byPayment = await selectOrdersByPaymentStatus(db, where);
  const byVendor = await selectOrdersByVendor(db, where);
  const byProduct = await selectOrdersByProduct(db, where);
  return {
    period,
    site,
    generated_at: toIso(ctx.now),
    totals: {
      orders: totals.orders,
      revenue: totals.revenue,
      paid: totals.paid,
      balance: totals.balance,
      credit: totals.credit,
      delivered_orders: totals.deliveredOrders,
      delivered_amount: totals.deliveredAmount,
      cancelled_orders: totals.cancelledOrders,
      cancelled_amount: totals.cancelledAmount,
      returned_amount: totals.returnedAmount,
    },
    by_day: byDay.map((row) => ({
      day: row.day,
      orders: row.orders,
      amount: row.amount,
      revenue: row.revenue,
      cancelled_orders: row.cancelledOrders,
    })),
    by_status: byStatus.map((row) => ({
      delivery_status: row.status,
      orders: row.orders,
      amount: row.amount,
    })),
    by_payment_status: byPayment.map((row) => ({
      payment_status: row.status,
      orders: row.orders,
      amount: row.amount,
      paid: row.paid,
    })),
    by_vendor: byVendor
      .map((row) => ({
        user_id: row.userId,
        name: row.name,
        orders: row.orders,
        amount: row.amount,
        revenue: row.revenue,
        paid: row.paid,
        cancelled_orders: row.cancelledOrders,
      }))
      .sort((a, b) => b.revenue - a.revenue || a.name.localeCompare(b.name, 'fr')),
    by_product: byProduct
      .map((row) => ({
        product_id: row.productId,
        name: row.name,
        unit: row.unit,
        quantity: row.quantity,
        returned_quantity: row.returnedQuantity,
        amount: row.amount,
      }))
      .sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name, 'fr')),
  };
}
