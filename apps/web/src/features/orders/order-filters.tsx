import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type OrderListFilter,
  type PaymentStatus,
  PaymentStatusSchema,
  type Priority,
  PrioritySchema,
} from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { DateRangeInputs, FilterSelect, inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useAdminSites } from '../sites/use-admin-sites.ts';
import { orderVendorsQuery } from './queries.ts';

/** The orders list's filters as the form holds them ('' is "all"). */
export type OrderFilters = {
  search: string;
  delivery_status: DeliveryStatus | '';
  payment_status: PaymentStatus | '';
  priority: Priority | '';
  from: string;
  to: string;
  delivery_from: string;
  delivery_to: string;
  created_by: string;
  /** The admin's choice among the sites; others always see their own. */
  site_id: string;
};

export const NO_FILTERS: OrderFilters = {
  search: '',
  delivery_status: '',
  payment_status: '',
  priority: '',
  from: '',
  to: '',
  delivery_from: '',
  delivery_to: '',
  created_by: '',
  site_id: '',
};

/** The API's filter: the filters set ('' is "all"), with the search as debounced by the caller. */
export function toApiFilter({ search: _typed, ...chosen }: OrderFilters, search: string): OrderListFilter {
  const set = Object.entries(chosen).filter(([, value]) => value !== '');
  return { ...(search ? { search } : {}), ...Object.fromEntries(set) };
}

/**
 * The list's filter controls: search, statuses, priority, and for managers the vendor (of the
 * chosen site), for an admin with several sites the site; creation and delivery periods.
 */
export function OrderFilterBar({
  filters,
  update,
}: {
  filters: OrderFilters;
  update: (patch: Partial<OrderFilters>) => void;
}) {
  const { t } = useI18n();
  // Vendors see only their own orders: the vendor filter is the managers'.
  const canManage = useCan('orders.manage');
  const vendors = useQuery({ ...orderVendorsQuery(filters.site_id || undefined), enabled: canManage });
  const sites = useAdminSites();
  return (
    <>
      <div className="relative w-80">
        <Icon name="search" className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-slate-400" />
        <input
          type="search"
          aria-label={t('common.search')}
          placeholder={t('orders.search_placeholder')}
          className={inputClass('w-full pl-8')}
          value={filters.search}
          onChange={(event) => update({ search: event.target.value })}
        />
      </div>
      <FilterSelect
        label={t('orders.status')}
        allLabel={t('orders.all_statuses')}
        className="w-44"
        value={filters.delivery_status}
        options={DELIVERY_STATUSES.map((status) => ({ value: status, label: t(`status.${status}`) }))}
        onChange={(delivery_status) => update({ delivery_status })}
      />
      <FilterSelect
        label={t('orders.payment')}
        allLabel={t('orders.all_payments')}
        className="w-44"
        value={filters.payment_status}
        options={PaymentStatusSchema.options.map((status) => ({
          value: status,
          label: t(`payment.${status}`),
        }))}
        onChange={(payment_status) => update({ payment_status })}
      />
      <FilterSelect
        label={t('orders.priority')}
        allLabel={t('orders.all_priorities')}
        value={filters.priority}
        options={PrioritySchema.options.map((priority) => ({
          value: priority,
          label: t(`priority.${priority}`),
        }))}
        onChange={(priority) => update({ priority })}
      />
      {sites.length > 1 ? (
        <FilterSelect
          label={t('orders.site')}
          allLabel={t('orders.all_sites')}
          className="w-44"
          value={filters.site_id}
          options={sites.map((site) => ({ value: site.id, label: site.name }))}
          // Another site has other vendors: the vendor filter starts over.
          onChange={(site_id) => update({ site_id, created_by: '' })}
        />
      ) : null}
      {canManage ? (
        <FilterSelect
          label={t('orders.vendor')}
          allLabel={t('orders.all_vendors')}
          className="w-48"
          value={filters.created_by}
          options={(vendors.data ?? []).map((vendor) => ({
            value: vendor.id,
            label: vendor.is_active
              ? vendor.full_name
              : t('orders.vendor_inactive', { name: vendor.full_name }),
          }))}
          onChange={(created_by) => update({ created_by })}
        />
      ) : null}
      <DateRangeInputs
        group={t('orders.period')}
        labels={{ from: t('orders.created_from'), to: t('common.until') }}
        from={filters.from}
        to={filters.to}
        onChange={update}
      />
      <DateRangeInputs
        group={t('orders.delivery_period')}
        labels={{ from: t('orders.delivery_from'), to: t('common.until') }}
        from={filters.delivery_from}
        to={filters.delivery_to}
        onChange={(change) =>
          update('from' in change ? { delivery_from: change.from } : { delivery_to: change.to })
        }
      />
    </>
  );
}
