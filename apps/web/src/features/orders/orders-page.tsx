import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type OrderListFilter,
  type OrderSummary,
  type PaymentStatus,
  PaymentStatusSchema,
  type Priority,
  PrioritySchema,
} from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { Button } from '../../components/button.tsx';
import { DateRangeInputs, inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { formatAmount, formatDate, formatDateTime } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { PaymentDialog, StatusQuickAction } from './order-actions.tsx';
import { PaymentBadge, PriorityBadge, StatusBadge } from './order-badges.tsx';
import {
  type OrderListParams,
  orderCountQuery,
  orderKeys,
  ordersQuery,
  orderVendorsQuery,
} from './queries.ts';

const PAGE_SIZE = 25;
const SORTS: OrderListParams['sort'][] = [
  'created_at',
  'delivery_date',
  'priority',
  'total_amount',
  'delivery_status',
];

type Filters = {
  search: string;
  delivery_status: DeliveryStatus | '';
  payment_status: PaymentStatus | '';
  priority: Priority | '';
  from: string;
  to: string;
  delivery_from: string;
  delivery_to: string;
  created_by: string;
};

const EMPTY: Filters = {
  search: '',
  delivery_status: '',
  payment_status: '',
  priority: '',
  from: '',
  to: '',
  delivery_from: '',
  delivery_to: '',
  created_by: '',
};

function toApiFilter(filters: Filters, search: string): OrderListFilter {
  return {
    ...(search ? { search } : {}),
    ...(filters.delivery_status ? { delivery_status: filters.delivery_status } : {}),
    ...(filters.payment_status ? { payment_status: filters.payment_status } : {}),
    ...(filters.priority ? { priority: filters.priority } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
    ...(filters.delivery_from ? { delivery_from: filters.delivery_from } : {}),
    ...(filters.delivery_to ? { delivery_to: filters.delivery_to } : {}),
    ...(filters.created_by ? { created_by: filters.created_by } : {}),
  };
}

export function OrdersPage() {
  const { t } = useI18n();
  const canManage = useCan('orders.manage');
  const canCreate = useCan('orders.create');
  const [filters, setFilters] = useState<Filters>(EMPTY);
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
  // Vendors see only their own orders: the vendor filter is the managers'.
  const vendors = useQuery({ ...orderVendorsQuery(), enabled: canManage });
  useRealtimeInvalidation(
    ['notification:commande_', 'notification:paiement_', 'reconnected'],
    [orderKeys.all],
  );

  const update = (patch: Partial<Filters>) => {
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
            <div className="relative w-72">
              <Icon
                name="search"
                className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-slate-400"
              />
              <input
                type="search"
                aria-label={t('common.search')}
                placeholder={t('orders.search_placeholder')}
                className={inputClass('w-full pl-8')}
                value={filters.search}
                onChange={(event) => update({ search: event.target.value })}
              />
            </div>
            <select
              aria-label={t('orders.status')}
              className={inputClass('w-44')}
              value={filters.delivery_status}
              onChange={(event) => update({ delivery_status: event.target.value as DeliveryStatus | '' })}
            >
              <option value="">{t('orders.all_statuses')}</option>
              {DELIVERY_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`status.${status}`)}
                </option>
              ))}
            </select>
            <select
              aria-label={t('orders.payment')}
              className={inputClass('w-40')}
              value={filters.payment_status}
              onChange={(event) => update({ payment_status: event.target.value as PaymentStatus | '' })}
            >
              <option value="">{t('orders.all_payments')}</option>
              {PaymentStatusSchema.options.map((status) => (
                <option key={status} value={status}>
                  {t(`payment.${status}`)}
                </option>
              ))}
            </select>
            <select
              aria-label={t('orders.priority')}
              className={inputClass('w-40')}
              value={filters.priority}
              onChange={(event) => update({ priority: event.target.value as Priority | '' })}
            >
              <option value="">{t('orders.all_priorities')}</option>
              {PrioritySchema.options.map((priority) => (
                <option key={priority} value={priority}>
                  {t(`priority.${priority}`)}
                </option>
              ))}
            </select>
            {canManage ? (
              <select
                aria-label={t('orders.vendor')}
                className={inputClass('w-48')}
                value={filters.created_by}
                onChange={(event) => update({ created_by: event.target.value })}
              >
                <option value="">{t('orders.all_vendors')}</option>
                {(vendors.data ?? []).map((vendor) => (
                  <option key={vendor.id} value={vendor.id}>
                    {vendor.is_active
                      ? vendor.full_name
                      : t('orders.vendor_inactive', { name: vendor.full_name })}
                  </option>
                ))}
              </select>
            ) : null}
            <DateRangeInputs
              labels={{
                from: `${t('orders.period')} — ${t('common.from')}`,
                to: `${t('orders.period')} — ${t('common.to')}`,
              }}
              from={filters.from}
              to={filters.to}
              onChange={update}
            />
            <DateRangeInputs
              labels={{
                from: `${t('orders.delivery_period')} — ${t('common.from')}`,
                to: `${t('orders.delivery_period')} — ${t('common.to')}`,
              }}
              title={t('orders.delivery_period')}
              from={filters.delivery_from}
              to={filters.delivery_to}
              onChange={(change) =>
                update('from' in change ? { delivery_from: change.from } : { delivery_to: change.to })
              }
            />
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
              {count.data ? t('orders.count', { count: count.data.count }) : '\u00a0'}
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
              <Th className="text-right">
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
                    <p className="text-xs text-slate-500 tabular-nums">{formatDateTime(order.created_at)}</p>
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
                    <td className={`${TD} text-right`}>
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
