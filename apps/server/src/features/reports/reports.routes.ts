import {
  DailySummaryParamsSchema,
  DailySummaryQuerySchema,
  DailySummarySchema,
  OrdersReportQuerySchema,
  OrdersReportSchema,
  ReceivablesReportQuerySchema,
  ReceivablesReportSchema,
  ReportFormatParamsSchema,
  StockReportQuerySchema,
  StockReportSchema,
} from '@gapal/shared';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { errorResponses, jsonOrFile } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import { dailySummary } from './daily-summary.service.ts';
import { ordersReport } from './orders-report.service.ts';
import { receivablesReport } from './receivables.service.ts';
import { type ReportFile, reportContext } from './report-context.ts';
import { stockReport } from './stock-report.service.ts';

const FILES =
  'The format is the last path segment (or `format=` in the query string, which wins): pdf (A4), ' +
  'csv (UTF-8 with BOM, header row; `sep=semicolon` for Excel in French), xlsx (typed cells) are ' +
  'sent as attachments; json answers the schema below. Non-admins get their own site; an admin ' +
  'may pass `site_id` (every site otherwise).';

export function reportsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['reports'];
    const ctx = () => reportContext(deps.config);
    const errors = errorResponses(400, 401, 403, 404, 503);

    app.get(
      '/orders/:format/',
      {
        config: { access: 'reports.read' },
        schema: {
          tags,
          operationId: 'getOrdersReport',
          summary: 'Orders of a period: by day, status, vendor and product, cancelled orders, the list',
          description: `The filters of the order list; period \`from\`/\`to\` (default the last 30 days, at most 366). The CSV is the order list; the list streams in every format. ${FILES}`,
          params: ReportFormatParamsSchema,
          querystring: OrdersReportQuerySchema,
          response: { 200: jsonOrFile(OrdersReportSchema, 'pdf', 'csv', 'xlsx'), ...errors },
        },
      },
      async (request, reply) => {
        const format = request.query.format ?? request.params.format;
        const actor = actorOf(request);
        return send(reply, await ordersReport(deps.db, actor, request.query, format, ctx(), request.log));
      },
    );

    app.get(
      '/receivables/:format/',
      {
        config: { access: 'reports.read' },
        schema: {
          tags,
          operationId: 'getReceivablesReport',
          summary: 'Unpaid deliveries: open balance per client, aged 0–7, 8–30 and over 30 days',
          description: `Delivered orders with a balance, grouped by client (phone, else name), aged from the delivery day; each order lists its partial payments. The CSV has one line per order. ${FILES}`,
          params: ReportFormatParamsSchema,
          querystring: ReceivablesReportQuerySchema,
          response: { 200: jsonOrFile(ReceivablesReportSchema, 'pdf', 'csv', 'xlsx'), ...errors },
        },
      },
      async (request, reply) => {
        const format = request.query.format ?? request.params.format;
        const actor = actorOf(request);
        return send(
          reply,
          await receivablesReport(deps.db, actor, request.query, format, ctx(), request.log),
        );
      },
    );

    app.get(
      '/stock/:format/',
      {
        config: { access: 'reports.stock' },
        schema: {
          tags,
          operationId: 'getStockReport',
          summary: 'Stock per product and lot at the end of a day, value, expiring lots, losses',
          description: `Quantities come from the ledger (the last movement up to the end of \`date\`), valued at today's prices; lots expiring within \`expiring_days\` of \`date\`; losses (perte) of \`from\`–\`to\` (default the 30 days ending at \`date\`). The CSV is the stock per lot. ${FILES}`,
          params: ReportFormatParamsSchema,
          querystring: StockReportQuerySchema,
          response: { 200: jsonOrFile(StockReportSchema, 'pdf', 'csv', 'xlsx'), ...errors },
        },
      },
      async (request, reply) => {
        const format = request.query.format ?? request.params.format;
        const actor = actorOf(request);
        return send(reply, await stockReport(deps.db, actor, request.query, format, ctx(), request.log));
      },
    );

    app.get(
      '/daily/:format/',
      {
        config: { access: 'reports.read' },
        schema: {
          tags,
          operationId: 'getDailySummary',
          summary: "The owner's daily summary: orders, deliveries, money in per method, stock alerts",
          description:
            'pdf or json (the dashboard page). `date` defaults to today in the business time zone; stock alerts are as the ledger stood at the end of that day.',
          params: DailySummaryParamsSchema,
          querystring: DailySummaryQuerySchema,
          response: { 200: jsonOrFile(DailySummarySchema, 'pdf'), ...errors },
        },
      },
      async (request, reply) => {
        const format = request.query.format ?? request.params.format;
        const alertDays = deps.config.expiry.alertDays[0] ?? 3;
        const actor = actorOf(request);
        return send(reply, await dailySummary(deps.db, actor, request.query, format, alertDays, ctx()));
      },
    );
  };
}

function send<T>(reply: FastifyReply, result: { json: T } | { file: ReportFile }) {
  if ('json' in result) return result.json;
  const { stream, contentType, filename } = result.file;
  return (
    reply
      .type(contentType)
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      // A stream is sent as is, never through the JSON serializer of the schema.
      .send(stream as never)
  );
}
