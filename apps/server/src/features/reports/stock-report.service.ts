import type { ReportFormat, StockReport, StockReportQuery } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { toIso } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import type { ReportLog } from './orders-report.service.ts';
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
import { renderStockPdf, STOCK_CSV_COLUMNS, writeStockWorkbook } from './stock-report.render.ts';
import { selectLosses, selectLotStockAt, selectProductStockAt } from './stock-report.repo.ts';

/** Stock at a date from the ledger, valued at today's prices, with expiring lots and losses. */
export async function buildStockReport(
  db: Db,
  siteId: string | undefined,
  query: Pick<StockReportQuery, 'date' | 'from' | 'to' | 'expiring_days'>,
  ctx: ReportContext,
): Promise<StockReport> {
  const date = query.date ?? ctx.today;
  const lossesPeriod = resolvePeriod(query.from, query.to ?? (query.from ? undefined : date), ctx.today);
  const site = await reportSite(db, siteId);
  const productRows = await selectProductStockAt(db, siteId, date, ctx.timeZone);
  const lotRows = await selectLotStockAt(db, siteId, date, ctx.timeZone);
  const lossRows = await selectLosses(db, siteId, lossesPeriod, ctx.timeZone);

  // Emptied products stay listed while they are sold (a shortage is worth seeing), not once retired.
  const products = productRows
    .filter((row) => row.quantity > 0 || row.is_active)
    .map((row) => ({
      site_id: row.site_id,
      site_name: row.site_name,
      product_id: row.product_id,
      name: row.name,
      unit: row.unit,
      category: row.category,
      quantity: row.quantity,
      unit_price: row.unit_price,
      value: row.quantity * row.unit_price,
      min_stock_level: row.min_stock_level,
    }));
  const lots = lotRows.map((row) => ({
    site_id: row.site_id,
    site_name: row.site_name,
    product_id: row.product_id,
    product_name: row.product_name,
    lot_id: row.lot_id,
    code: row.code,
    expiry_date: row.expiry_date,
    quantity: row.quantity,
    value: row.quantity * row.unit_price,
    days_to_expiry: row.days_to_expiry,
  }));
  const losses = lossRows.map((row) => ({
    movement_id: row.movement_id,
    created_at: row.created_at,
    site_id: row.site_id,
    site_name: row.site_name,
    product_id: row.product_id,
    product_name: row.product_name,
    lot_code: row.lot_code,
    quantity: row.quantity,
    value: row.quantity * row.unit_price,
    reason: row.reason,
    username: row.username,
  }));
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    date,
    site,
    generated_at: toIso(ctx.now),
    losses_period: lossesPeriod,
    expiring_days: query.expiring_days,
    totals: {
      quantity: sum(products.map((row) => row.quantity)),
      value: sum(products.map((row) => row.value)),
      expiring_lots: lots.filter((lot) => lot.days_to_expiry <= query.expiring_days).length,
      loss_quantity: sum(losses.map((row) => row.quantity)),
      loss_value: sum(losses.map((row) => row.value)),
    },
    products,
    lots,
    losses,
  };
}

export async function stockReport(
  db: Db,
  actor: Actor,
  query: StockReportQuery,
  format: ReportFormat,
  ctx: ReportContext,
  log: ReportLog,
): Promise<{ json: StockReport } | { file: ReportFile }> {
  const report = await buildStockReport(db, scopeSite(actor, query.site_id), query, ctx);
  if (format === 'json') return { json: report };
  const filename = fileName('stock', [report.date], format);
  if (format === 'csv') {
    const batches = (async function* () {
      yield report.lots;
    })();
    return {
      file: {
        stream: csvStream(STOCK_CSV_COLUMNS(ctx), batches, csvSeparator(query.sep)),
        contentType: CONTENT_TYPES.csv,
        filename,
      },
    };
  }
  if (format === 'xlsx') {
    const onError = (error: unknown) => log.error({ err: error }, 'stock report failed while streaming');
    return {
      file: {
        stream: xlsxStream((book) => writeStockWorkbook(book, report, ctx), onError),
        contentType: CONTENT_TYPES.xlsx,
        filename,
      },
    };
  }
  return { file: { stream: renderStockPdf(report, ctx), contentType: CONTENT_TYPES.pdf, filename } };
}
