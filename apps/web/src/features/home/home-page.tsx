import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { Icon, type IconName } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page.tsx';
import { ErrorPanel } from '../../components/states.tsx';
import { formatAmount, formatDate, formatNumber, todayIso } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { useSession } from '../../lib/session.ts';
import { StatusBadge } from '../orders/order-badges.tsx';
import { lowStockQuery } from '../products/queries.ts';
import { expiringLotsQuery } from '../stock/queries.ts';
import { homeKeys, last30DaysReportQuery, todayByStatusQuery } from './queries.ts';
import { RevenueChart } from './revenue-chart.tsx';

function Stat({
  label,
  value,
  icon,
  tone,
  href,
  testId,
}: {
  label: string;
  value: ReactNode;
  icon: IconName;
  tone: string;
  href?: string;
  testId: string;
}) {
  const body = (
    <div className="flex items-center gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm transition-colors hover:border-slate-300">
      <div className={`flex size-10 items-center justify-center rounded-lg ${tone}`}>
        <Icon name={icon} className="size-5" />
      </div>
      <div>
        <p className="text-xs font-medium text-slate-500">{label}</p>
        <p className="mt-0.5 h-7 text-xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
          {value}
        </p>
      </div>
    </div>
  );
  return href ? <Link href={href}>{body}</Link> : body;
}

export function HomePage() {
  const { t } = useI18n();
  const session = useSession();
  const canReadOrders = useCan('orders.read');
  const canReadReports = useCan('reports.read');
  const canReadStock = useCan('stock.read');
  const today = useQuery({ ...todayByStatusQuery(), enabled: canReadOrders });
  const report = useQuery({ ...last30DaysReportQuery(), enabled: canReadReports });
  const lowStock = useQuery({ ...lowStockQuery(), enabled: canReadStock });
  const expiring = useQuery({ ...expiringLotsQuery(3), enabled: canReadStock });
  useRealtimeInvalidation(['notification:', 'reconnected'], [homeKeys.all]);
  const todayTotal = today.data?.reduce((sum, entry) => sum + entry.count, 0);
  // The list's count stops at 10 000 orders (`capped`): "plus de 10 000".
  const counted = (count: number, capped: boolean) =>
    capped ? t('home.more_than', { count: formatNumber(count) }) : formatNumber(count);
  const todayCapped = today.data?.some((entry) => entry.capped) ?? false;

  return (
    <>
      <PageHeader
        title={t('home.greeting', { name: session?.user.full_name ?? '' })}
        subtitle={`${formatDate(todayIso())} · ${session?.user.site_name ?? ''}`}
      />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {canReadOrders ? (
          <Stat
            label={t('home.today_orders')}
            value={todayTotal === undefined ? '…' : counted(todayTotal, todayCapped)}
            icon="orders"
            tone="bg-blue-50 text-blue-700"
            href="/commandes"
            testId="stat-today-orders"
          />
        ) : null}
        {canReadReports ? (
          <Stat
            label={t('home.unpaid_total')}
            value={report.data ? formatAmount(report.data.totals.balance) : '…'}
            icon="money"
            tone="bg-red-50 text-red-700"
            href="/commandes"
            testId="stat-unpaid"
          />
        ) : null}
        {canReadStock ? (
          <>
            <Stat
              label={t('home.low_stock')}
              value={lowStock.data ? formatNumber(lowStock.data.length) : '…'}
              icon="warning"
              tone="bg-amber-50 text-amber-700"
              href="/stock"
              testId="stat-low-stock"
            />
            <Stat
              label={t('home.expiring')}
              value={expiring.data ? formatNumber(expiring.data.length) : '…'}
              icon="clock"
              tone="bg-orange-50 text-orange-700"
              href="/stock"
              testId="stat-expiring"
            />
          </>
        ) : null}
      </div>

      <div className="mt-5 grid gap-5 lg:grid-cols-3">
        {canReadReports ? (
          <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm lg:col-span-2">
            <h2 className="mb-3 text-sm font-semibold text-slate-900">{t('home.chart_title')}</h2>
            {report.isError ? (
              <ErrorPanel error={report.error} onRetry={() => report.refetch()} />
            ) : report.data ? (
              <RevenueChart report={report.data} />
            ) : (
              <div className="h-60 animate-pulse rounded bg-slate-100" />
            )}
          </section>
        ) : null}
        {canReadOrders ? (
          <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <div className="mb-3 flex items-center justify-between">
              <h2 className="text-sm font-semibold text-slate-900">{t('home.by_status')}</h2>
              <Link href="/commandes" className="text-xs font-medium text-emerald-700 hover:underline">
                {t('home.see_all')}
              </Link>
            </div>
            {today.isError ? (
              <ErrorPanel error={today.error} />
            ) : (
              <ul className="space-y-2.5">
                {(today.data ?? []).map((entry) => (
                  <li key={entry.status} className="flex items-center justify-between text-sm">
                    <StatusBadge status={entry.status} />
                    <span className="font-semibold tabular-nums text-slate-900">
                      {counted(entry.count, entry.capped)}
                    </span>
                  </li>
                ))}
                {today.isPending ? <li className="h-40 animate-pulse rounded bg-slate-100" /> : null}
              </ul>
            )}
          </section>
        ) : null}
      </div>
    </>
  );
}
