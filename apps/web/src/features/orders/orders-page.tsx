import type { OrderSummary } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { Button } from '../../components/button.tsx';
import { inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { ACTIONS_TD, ACTIONS_TH, TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { formatAmount, formatDate, formatDateTime, formatNumber } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { useAdminSites } from '../sites/use-admin-sites.ts';
import { PaymentDialog, StatusQuickAction } from './order-actions.tsx';
import { PaymentBadge, PriorityBadge, StatusBadge } from './order-badges.tsx';
import { NO_FILTERS, OrderFilterBar, type OrderFilters, toApiFilter } from './order-filters.tsx';
import { type OrderListParams, orderCountQuery, orderKeys, ordersQuery } from './queries.ts';

const PAGE_SIZE = 25;
const SORTS: OrderListParams['sort'][] = [
  'created_at',
  'delivery_date',
  'priority',
  'total_amount',
  'delivery_status',
];

export function OrdersPage() {
  const { t } = useI18n();
  const canManage = useCan('orders.manage');
  const canCreate = useCan('orders.create');
  // An admin with several sites sees every site's orders at once: each row says its site.
  const sites = useAdminSites();
  const siteName = sites.length > 1 ? new Map(sites.map((site) => [site.id, site.name])) : null;
  const [filters, setFilters] = useState<OrderFilters>(NO_FILTERS);
  const [sort, setSort] = useState<OrderListParams['sort']>('created_at');
  const [direction, setDirection] = useState<'asc' | 'desc'>('desc');
  // Keyset pages: the cursors of the pages already seen, so "previous" goes back exactly.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [paying, setPaying] = useState<OrderSummary | null>(null);
  const search = useDebounced(filters.search.trim(), 300);
  const filter = toApiFilter(filters, search);
  const cursor = cursors.at(-1);
  const orders = useQuery(
    ordersQuery({ ...filter, sort, direction, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
  );
  const count = useQuery(orderCountQuery(filter));
  useRealtimeInvalidation(
    ['notification:commande_', 'notification:paiement_', 'reconnected'],
    [orderKeys.all],
  );

  const update = (patch: Partial<OrderFilters>) => {
    setFilters((previous) => ({ ...previous, ...patch }));
    setCursors([undefined]);
  };
  const columns = canManage ? 8 : 7;

  return (
    <>
      <PageHeader
        title={t('orders.title')}
        subtitle={t('orders.subtitle')}
        actions={
          canCreate ? (
            <Link
              href="/commandes/nouvelle"
              className="inline-flex h-9 items-center gap-2 rounded-md bg-emerald-700 px-3.5 text-sm font-medium text-white shadow-sm hover:bg-emerald-800"
            >
              <Icon name="plus" className="size-4" />
              {t('orders.new_title')}
            </Link>
          ) : null
        }
      />
      <TableCard
        toolbar={
          <div className="flex flex-wrap items-center gap-2">
            <OrderFilterBar filters={filters} update={update} />
            <div className="ml-auto flex items-center gap-1.5">
              <select
                aria-label={t('orders.sort')}
                className={inputClass('w-44')}
                value={sort}
                onChange={(event) => {
                  setSort(event.target.value as OrderListParams['sort']);
                  setCursors([undefined]);
                }}
              >
                {SORTS.map((option) => (
                  <option key={option} value={option}>
                    {t(`orders.sort.${option}`)}
                  </option>
                ))}
              </select>
              <Button
                variant="secondary"
                aria-label={t(`orders.direction.${direction}`)}
                title={t(`orders.direction.${direction}`)}
                onClick={() => {
                  setDirection(direction === 'desc' ? 'asc' : 'desc');
                  setCursors([undefined]);
                }}
                icon={<Icon name={direction === 'desc' ? 'chevronDown' : 'chevronUp'} className="size-4" />}
              />
            </div>
          </div>
        }
        footer={
          <div className="flex items-center justify-between text-sm text-slate-600">
            <span data-testid="order-count">
              {count.data
                ? t(count.data.capped ? 'orders.count_capped' : 'orders.count', {
                    count: formatNumber(count.data.count),
                  })
                : '\u00a0'}
            </span>
            <div className="flex gap-2">
              <Button
                size="sm"
                disabled={cursors.length <= 1}
                onClick={() => setCursors(cursors.slice(0, -1))}
              >
                {t('common.previous')}
              </Button>
              <Button
                size="sm"
                disabled={!orders.data?.next_cursor}
                onClick={() => orders.data?.next_cursor && setCursors([...cursors, orders.data.next_cursor])}
              >
                {t('common.next')}
              </Button>
            </div>
          </div>
        }
      >
        <thead>
          <tr>
            <Th>{t('orders.number')}</Th>
            <Th>{t('orders.client')}</Th>
            <Th>{t('orders.delivery_on')}</Th>
            <Th>{t('orders.priority')}</Th>
            <Th>{t('orders.status')}</Th>
            <Th>{t('orders.payment')}</Th>
            <Th className="text-right">{t('orders.total')}</Th>
            {canManage ? (
              <Th className={ACTIONS_TH}>
                <span className="sr-only">{t('common.actions')}</span>
              </Th>
            ) : null}
          </tr>
        </thead>
        <tbody className={TBODY}>
          {orders.isPending ? (
            <LoadingRows columns={columns} rows={8} />
          ) : orders.isError ? (
            <ErrorRow columns={columns} error={orders.error} onRetry={() => orders.refetch()} />
          ) : orders.data.items.length === 0 ? (
            <EmptyRow columns={columns}>{t('orders.empty')}</EmptyRow>
          ) : (
            orders.data.items.map((order) => {
              const isUnpaid = order.balance > 0 && order.delivery_status !== 'annulee';
              return (
                <tr
                  key={order.id}
                  data-testid={`order-row-${order.number}`}
                  className={`hover:bg-slate-50 ${isUnpaid && order.delivery_status === 'livree' ? 'bg-red-50/60 shadow-[inset_3px_0_0_0_#dc2626]' : ''}`}
                >
                  <td className={TD}>
                    <Link
                      href={`/commandes/${order.id}`}
                      className="font-medium text-emerald-800 hover:underline"
                      aria-label={t('orders.open', { number: order.number })}
                    >
                      {order.number}
                    </Link>
                    {order.has_voice_note ? (
                      <span
                        role="img"
                        aria-label={t('orders.voice_note')}
                        title={t('orders.voice_note')}
                        className="ml-1.5 inline-flex align-middle text-indigo-600"
                        data-testid="order-voice-note"
                      >
                        <Icon name="microphone" className="size-4" />
                      </span>
                    ) : null}
                    <p className="text-xs text-slate-500 tabular-nums">
                      {formatDateTime(order.created_at)}
                      {siteName ? ` · ${siteName.get(order.site_id) ?? ''}` : ''}
                    </p>
                  </td>
                  <td className={TD}>
                    <p className="max-w-48 truncate font-medium text-slate-900">{order.client_name}</p>
                    <p className="text-xs text-slate-500">{order.client_phone ?? t('common.none')}</p>
                  </td>
                  <td className={`${TD} tabular-nums`}>{formatDate(order.delivery_date)}</td>
                  <td className={TD}>
                    <PriorityBadge priority={order.priority} />
                  </td>
                  <td className={TD}>
                    <StatusBadge status={order.delivery_status} />
                  </td>
                  <td className={TD}>
                    <PaymentBadge status={order.payment_status} />
                  </td>
                  <td className={`${TD} text-right tabular-nums`}>
                    <p className="font-medium text-slate-900">{formatAmount(order.total_amount)}</p>
                    {isUnpaid ? (
                      <p className="text-xs font-semibold text-red-700">
                        {t('orders.balance_short')} {formatAmount(order.balance)}
                      </p>
                    ) : null}
                  </td>
                  {canManage ? (
                    <td className={ACTIONS_TD}>
                      <div className="flex justify-end gap-1.5">
                        <StatusQuickAction order={order} />
                        {isUnpaid ? (
                          <Button
                            size="sm"
                            variant="ghost"
                            onClick={() => setPaying(order)}
                            title={t('orders.record_payment')}
                            aria-label={`${t('orders.record_payment')} — ${order.number}`}
                            icon={<Icon name="money" className="size-4 text-emerald-700" />}
                          />
                        ) : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
              );
            })
          )}
        </tbody>
      </TableCard>
      {paying ? <PaymentDialog order={paying} onClose={() => setPaying(null)} /> : null}
    </>
  );
}
