import { z } from 'zod';
import { AmountSchema, IdSchema, IsoDateSchema } from './common.ts';
import {
  DeliveryStatusSchema,
  OrderListFilterSchema,
  PaymentKindSchema,
  PaymentMethodSchema,
  PaymentStatusSchema,
} from './orders.ts';

/** The longest period a report may cover, in days (both ends included). */
export const REPORT_MAX_PERIOD_DAYS = 366;

export const REPORT_FORMATS = ['pdf', 'csv', 'xlsx', 'json'] as const;
export const ReportFormatSchema = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

/** `/api/reports/<report>/<format>/`; an unknown format is a 400. */
export const ReportFormatParamsSchema = z.strictObject({ format: ReportFormatSchema });
export const DailySummaryParamsSchema = z.strictObject({ format: z.enum(['pdf', 'json']) });

const exportOptions = {
  /** Overrides the format of the path: `/orders/csv/?format=xlsx` is `/orders/xlsx/`. */
  format: ReportFormatSchema.optional(),
  /** CSV field separator; `semicolon` is what Excel expects in French locales. */
  sep: z.enum(['comma', 'semicolon']).default('comma'),
};

/** The filters of the order list; the period defaults to the last 30 days. */
export const OrdersReportQuerySchema = OrderListFilterSchema.extend(exportOptions);
export type OrdersReportQuery = z.infer<typeof OrdersReportQuerySchema>;

export const ReceivablesReportQuerySchema = z.strictObject({
  site_id: IdSchema.optional(),
  /** The vendor who created the orders. */
  created_by: IdSchema.optional(),
  ...exportOptions,
});
export type ReceivablesReportQuery = z.infer<typeof ReceivablesReportQuerySchema>;

export const StockReportQuerySchema = z.strictObject({
  site_id: IdSchema.optional(),
  /** Stock as it stood at the end of this day (business time zone); default today. */
  date: IsoDateSchema.optional(),
  /** Lots expiring within this many days after `date` are listed. */
  expiring_days: z.coerce.number().int().min(0).max(365).default(7),
  /** Losses period; default the 30 days ending at `date`. */
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  ...exportOptions,
});
export type StockReportQuery = z.infer<typeof StockReportQuerySchema>;

export const DailySummaryQuerySchema = z.strictObject({
  site_id: IdSchema.optional(),
  /** Default today (business time zone). */
  date: IsoDateSchema.optional(),
  format: z.enum(['pdf', 'json']).optional(),
});
export type DailySummaryQuery = z.infer<typeof DailySummaryQuerySchema>;

const ReportSiteSchema = z.object({ id: IdSchema, name: z.string() }).nullable();
const countAmount = { orders: z.number().int(), amount: AmountSchema };

export const OrdersReportSchema = z.object({
  period: z.object({ from: IsoDateSchema, to: IsoDateSchema }),
  /** Null when an admin reports on every site. */
  site: ReportSiteSchema,
  generated_at: z.string(),
  totals: z.object({
    orders: z.number().int(),
    /**
     * The per-order figures summed (orderMoney): revenue what the orders ask net of returns (a
     * cancelled order nothing), paid what they hold net of refunds, balance what is left to
     * collect, credit what is owed back; revenue − paid = balance − credit.
     */
    revenue: AmountSchema,
    paid: AmountSchema,
    balance: AmountSchema,
    credit: AmountSchema,
    delivered_orders: z.number().int(),
    delivered_amount: AmountSchema,
    cancelled_orders: z.number().int(),
    cancelled_amount: AmountSchema,
    returned_amount: AmountSchema,
  }),
  by_day: z.array(
    z.object({
      day: IsoDateSchema,
      ...countAmount,
      revenue: AmountSchema,
      cancelled_orders: z.number().int(),
    }),
  ),
  by_status: z.array(z.object({ delivery_status: DeliveryStatusSchema, ...countAmount })),
  by_payment_status: z.array(
    z.object({ payment_status: PaymentStatusSchema, ...countAmount, paid: AmountSchema }),
  ),
  by_vendor: z.array(
    z.object({
      user_id: IdSchema,
      name: z.string(),
      ...countAmount,
      revenue: AmountSchema,
      paid: AmountSchema,
      cancelled_orders: z.number().int(),
    }),
  ),
  /** Lines of the orders that are not cancelled. */
  by_product: z.array(
    z.object({
      product_id: IdSchema,
      name: z.string(),
      unit: z.string(),
      quantity: z.number().int(),
      returned_quantity: z.number().int(),
      amount: AmountSchema,
    }),
  ),
});
export type OrdersReport = z.infer<typeof OrdersReportSchema>;

export const AGEING_BUCKETS = ['0_7', '8_30', 'over_30'] as const;

export const ReceivableOrderSchema = z.object({
  order_id: IdSchema,
  number: z.string(),
  delivered_at: z.string(),
  total_amount: AmountSchema,
  /** What came back: the order asks `total − returned`. */
  returned_amount: AmountSchema,
  paid_amount: AmountSchema,
  balance: AmountSchema,
  /** Whole days since the delivery day (business time zone). */
  age_days: z.number().int(),
  payments: z.array(
    z.object({
      /** Negative for a refund or a credit moved out. */
      amount: z.number().int(),
      method: PaymentMethodSchema,
      kind: PaymentKindSchema,
      created_at: z.string(),
    }),
  ),
});

export const ReceivableClientSchema = z.object({
  /** The directory's client; null for orders never attached to one (grouped by phone, else name). */
  client_id: IdSchema.nullable(),
  client_name: z.string(),
  client_phone: z.string().nullable(),
  orders: z.number().int(),
  total_amount: AmountSchema,
  returned_amount: AmountSchema,
  paid_amount: AmountSchema,
  balance: AmountSchema,
  ageing: z.object({ '0_7': AmountSchema, '8_30': AmountSchema, over_30: AmountSchema }),
  items: z.array(ReceivableOrderSchema),
});

/** Delivered orders with an open balance, per client, aged from the delivery day. */
export const ReceivablesReportSchema = z.object({
  as_of: IsoDateSchema,
  site: ReportSiteSchema,
  generated_at: z.string(),
  totals: z.object({
    clients: z.number().int(),
    orders: z.number().int(),
    total_amount: AmountSchema,
    returned_amount: AmountSchema,
    paid_amount: AmountSchema,
    balance: AmountSchema,
    ageing: z.object({ '0_7': AmountSchema, '8_30': AmountSchema, over_30: AmountSchema }),
  }),
  clients: z.array(ReceivableClientSchema),
});
export type ReceivablesReport = z.infer<typeof ReceivablesReportSchema>;

export const StockReportSchema = z.object({
  date: IsoDateSchema,
  site: ReportSiteSchema,
  generated_at: z.string(),
  losses_period: z.object({ from: IsoDateSchema, to: IsoDateSchema }),
  expiring_days: z.number().int(),
  totals: z.object({
    quantity: z.number().int(),
    /** At today's unit prices. */
    value: AmountSchema,
    expiring_lots: z.number().int(),
    loss_quantity: z.number().int(),
    loss_value: AmountSchema,
  }),
  products: z.array(
    z.object({
      site_id: IdSchema,
      site_name: z.string(),
      product_id: IdSchema,
      name: z.string(),
      unit: z.string(),
      category: z.string().nullable(),
      quantity: z.number().int(),
      unit_price: AmountSchema,
      value: AmountSchema,
      min_stock_level: z.number().int(),
    }),
  ),
  lots: z.array(
    z.object({
      site_id: IdSchema,
      site_name: z.string(),
      product_id: IdSchema,
      product_name: z.string(),
      lot_id: IdSchema,
      code: z.string(),
      expiry_date: IsoDateSchema,
      quantity: z.number().int(),
      value: AmountSchema,
      /** Days from the report date to expiry; negative once expired. */
      days_to_expiry: z.number().int(),
    }),
  ),
  losses: z.array(
    z.object({
      movement_id: z.number().int(),
      created_at: z.string(),
      site_id: IdSchema,
      site_name: z.string(),
      product_id: IdSchema,
      product_name: z.string(),
      lot_code: z.string(),
      /** Positive: the quantity written off. */
      quantity: z.number().int(),
      value: AmountSchema,
      reason: z.string().nullable(),
      username: z.string().nullable(),
    }),
  ),
});
export type StockReport = z.infer<typeof StockReportSchema>;

export const DailySummarySchema = z.object({
  date: IsoDateSchema,
  site: ReportSiteSchema,
  generated_at: z.string(),
  orders: z.object({
    count: z.number().int(),
    amount: AmountSchema,
    cancelled: z.number().int(),
    by_status: z.array(z.object({ delivery_status: DeliveryStatusSchema, ...countAmount })),
  }),
  deliveries: z.object({ count: z.number().int(), amount: AmountSchema }),
  collections: z.object({
    total: AmountSchema,
    cash: AmountSchema,
    mobile_money: AmountSchema,
    by_method: z.array(
      z.object({ method: PaymentMethodSchema, count: z.number().int(), amount: AmountSchema }),
    ),
    /** Money given back during the day (refunds of credits after returns), not counted above. */
    refunds: z.object({ count: z.number().int(), amount: AmountSchema }),
  }),
  stock_alerts: z.object({
    out_of_stock: z.array(z.object({ product_id: IdSchema, name: z.string(), site_id: IdSchema })),
    low_stock: z.array(
      z.object({
        product_id: IdSchema,
        name: z.string(),
        site_id: IdSchema,
        quantity: z.number().int(),
        min_stock_level: z.number().int(),
      }),
    ),
    /** Lots with stock that expire within the alert window, or already expired. */
    expiring_lots: z.array(
      z.object({
        lot_id: IdSchema,
        product_name: z.string(),
        code: z.string(),
        expiry_date: IsoDateSchema,
        quantity: z.number().int(),
        days_to_expiry: z.number().int(),
      }),
    ),
  }),
});
export type DailySummary = z.infer<typeof DailySummarySchema>;
