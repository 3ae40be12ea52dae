import type { DailySummary } from '@gapal/shared';
import type { ReactNode } from 'react';
import { formatAmount, formatDate, formatNumber } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { StatusBadge } from '../orders/order-badges.tsx';

function Card({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      <div className="mt-3">{children}</div>
    </section>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-lg font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function Line({ label, value }: { label: ReactNode; value: string }) {
  return (
    <li className="flex items-center justify-between gap-3 py-1 text-sm">
      <span className="text-slate-700">{label}</span>
      <span className="font-medium tabular-nums text-slate-900">{value}</span>
    </li>
  );
}

export function SummaryCards({ summary }: { summary: DailySummary }) {
  const { t } = useI18n();
  const { orders, deliveries, collections, stock_alerts: alerts } = summary;
  const statuses = orders.by_status.filter((entry) => entry.orders > 0);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Card title={t('reports.card_orders')} testId="summary-orders">
        <dl className="grid grid-cols-2 gap-3">
          <Figure
            label={t('reports.orders_count')}
            value={formatNumber(orders.count)}
            testId="summary-orders-count"
          />
          <Figure
            label={t('reports.orders_amount')}
            value={formatAmount(orders.amount)}
            testId="summary-orders-amount"
          />
        </dl>
        {statuses.length > 0 ? (
          <ul
            className="mt-3 divide-y divide-slate-100 border-t border-slate-100 pt-2"
            aria-label={t('reports.by_status')}
          >
            {statuses.map((entry) => (
              <Line
                key={entry.delivery_status}
                label={<StatusBadge status={entry.delivery_status} />}
                value={`${formatNumber(entry.orders)} · ${formatAmount(entry.amount)}`}
              />
            ))}
          </ul>
        ) : null}
      </Card>

      <Card title={t('reports.card_deliveries')} testId="summary-deliveries">
        <dl className="grid grid-cols-2 gap-3">
          <Figure label={t('reports.deliveries_count')} value={formatNumber(deliveries.count)} />
          <Figure label={t('reports.deliveries_amount')} value={formatAmount(deliveries.amount)} />
        </dl>
      </Card>

      <Card title={t('reports.card_collections')} testId="summary-collections">
        <dl className="grid grid-cols-3 gap-3">
          <Figure
            label={t('reports.collected_total')}
            value={formatAmount(collections.total)}
            testId="summary-collected"
          />
          <Figure label={t('method.especes')} value={formatAmount(collections.cash)} />
          <Figure label={t('reports.mobile_money')} value={formatAmount(collections.mobile_money)} />
        </dl>
        {collections.by_method.length > 0 ? (
          <ul
            className="mt-3 divide-y divide-slate-100 border-t border-slate-100 pt-2"
            aria-label={t('reports.by_method')}
          >
            {collections.by_method.map((entry) => (
              <Line
                key={entry.method}
                label={`${t(`method.${entry.method}`)} (${formatNumber(entry.count)})`}
                value={formatAmount(entry.amount)}
              />
            ))}
          </ul>
        ) : null}
      </Card>

      <Card title={t('reports.card_stock')} testId="summary-stock">
        <dl className="grid grid-cols-3 gap-3">
          <Figure label={t('reports.out_of_stock')} value={formatNumber(alerts.out_of_stock.length)} />
          <Figure label={t('reports.low_stock')} value={formatNumber(alerts.low_stock.length)} />
          <Figure label={t('reports.expiring_lots')} value={formatNumber(alerts.expiring_lots.length)} />
        </dl>
        <ul className="mt-3 divide-y divide-slate-100 border-t border-slate-100 pt-2 empty:hidden">
          {alerts.out_of_stock.slice(0, 5).map((item) => (
            <Line
              key={`out-${item.site_id}-${item.product_id}`}
              label={item.name}
              value={t('reports.out_of_stock_short')}
            />
          ))}
          {alerts.low_stock.slice(0, 5).map((item) => (
            <Line
              key={`low-${item.site_id}-${item.product_id}`}
              label={item.name}
              value={`${formatNumber(item.quantity)} / ${formatNumber(item.min_stock_level)}`}
            />
          ))}
          {alerts.expiring_lots.slice(0, 5).map((lot) => (
            <Line
              key={`lot-${lot.lot_id}`}
              label={`${lot.product_name} · ${lot.code}`}
              value={t('reports.expires_on', { date: formatDate(lot.expiry_date) })}
            />
          ))}
        </ul>
      </Card>
    </div>
  );
}
