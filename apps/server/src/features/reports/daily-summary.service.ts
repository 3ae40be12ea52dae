import { type DailySummary, type DailySummaryQuery, MoneyMethodSchema } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { toIso } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { renderDailySummaryPdf } from './daily-summary.render.ts';
import {
  selectDayCancellations,
  selectDayCollections,
  selectDayDeliveries,
  selectDayOrders,
  selectDayRefunds,
} from './daily-summary.repo.ts';
import {
  CONTENT_TYPES,
  fileName,
  type ReportContext,
  type ReportFile,
  reportSite,
} from './report-context.ts';
import { selectLotStockAt, selectProductStockAt } from './stock-report.repo.ts';

const MOBILE_MONEY = new Set(['orange_money', 'moov_money']);

/**
 * The owner's end-of-day sheet: orders taken, deliveries, money in per method, and stock
 * alerts as the ledger stood at the end of the day (lots expiring within `alertDays`).
 */
export async function buildDailySummary(
  db: Db,
  siteId: string | undefined,
  date: string,
  alertDays: number,
  ctx: ReportContext,
): Promise<DailySummary> {
  const site = await reportSite(db, siteId);
  const byStatus = await selectDayOrders(db, date, ctx.timeZone, siteId);
  const deliveries = await selectDayDeliveries(db, date, ctx.timeZone, siteId);
  const cancelled = await selectDayCancellations(db, date, ctx.timeZone, siteId);
  const collected = new Map(
    (await selectDayCollections(db, date, ctx.timeZone, siteId)).map((row) => [row.method, row]),
  );
  const products = await selectProductStockAt(db, siteId, date, ctx.timeZone);
  const lots = await selectLotStockAt(db, siteId, date, ctx.timeZone);

  const refunds = await selectDayRefunds(db, date, ctx.timeZone, siteId);
  const byMethod = MoneyMethodSchema.options.map((method) => ({
    method,
    count: collected.get(method)?.count ?? 0,
    amount: collected.get(method)?.amount ?? 0,
  }));
  const sellable = products.filter((row) => row.is_active);
  return {
    date,
    site,
    generated_at: toIso(ctx.now),
    orders: {
      count: byStatus.reduce((sum, row) => sum + row.orders, 0),
      amount: byStatus.filter((row) => row.status !== 'annulee').reduce((sum, row) => sum + row.amount, 0),
      cancelled,
      by_status: byStatus.map((row) => ({
        delivery_status: row.status,
        orders: row.orders,
        amount: row.amount,
      })),
    },
    deliveries,
    collections: {
      total: byMethod.reduce((sum, row) => sum + row.amount, 0),
      cash: byMethod.filter((row) => row.method === 'especes').reduce((sum, row) => sum + row.amount, 0),
      mobile_money: byMethod
        .filter((row) => MOBILE_MONEY.has(row.method))
        .reduce((sum, row) => sum + row.amount, 0),
      by_method: byMethod,
      refunds,
    },
    stock_alerts: {
      out_of_stock: sellable
        .filter((row) => row.quantity === 0)
        .map((row) => ({ product_id: row.product_id, name: row.name, site_id: row.site_id })),
      low_stock: sellable
        .filter((row) => row.quantity > 0 && row.quantity <= row.min_stock_level)
        .map((row) => ({
          product_id: row.product_id,
          name: row.name,
          site_id: row.site_id,
          quantity: row.quantity,
          min_stock_level: row.min_stock_level,
        })),
      expiring_lots: lots
        .filter((lot) => lot.days_to_expiry <= alertDays)
        .map((lot) => ({
          lot_id: lot.lot_id,
          product_name: lot.product_name,
          code: lot.code,
          expiry_date: lot.expiry_date,
          quantity: lot.quantity,
          days_to_expiry: lot.days_to_expiry,
        })),
    },
  };
}

export async function dailySummary(
  db: Db,
  actor: Actor,
  query: DailySummaryQuery,
  format: 'pdf' | 'json',
  alertDays: number,
  ctx: ReportContext,
): Promise<{ json: DailySummary } | { file: ReportFile }> {
  const summary = await buildDailySummary(
    db,
    scopeSite(actor, query.site_id),
    query.date ?? ctx.today,
    alertDays,
    ctx,
  );
  if (format === 'json') return { json: summary };
  return {
    file: {
      stream: renderDailySummaryPdf(summary, alertDays, ctx),
      contentType: CONTENT_TYPES.pdf,
      filename: fileName('synthese', [summary.date], 'pdf'),
    },
  };
}
