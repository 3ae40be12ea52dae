import { CLIENT_KINDS, type ClientKind, type ClientSort } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { Button } from '../../components/button.tsx';
import { CursorPager } from '../../components/cursor-pager.tsx';
import { FilterSelect, inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page.tsx';
import { SearchBox } from '../../components/search-box.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { formatAmount, formatDate } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { useCursorPages } from '../../lib/use-cursor-pages.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { useAdminSites } from '../sites/use-admin-sites.ts';
import { ClientBalance, KindBadge } from './client-badges.tsx';
import { ClientFormDialog } from './client-form-dialog.tsx';
import { clientKeys, clientsQuery } from './queries.ts';

const PAGE_SIZE = 25;
const COLUMNS = 6;

type Filters = { search: string; kind: ClientKind | ''; active: 'true' | 'false'; site_id: string };

export function ClientsPage() {
  const { t } = useI18n();
  const canCreate = useCan('clients.create');
  const sites = useAdminSites();
  const siteName = sites.length > 1 ? new Map(sites.map((site) => [site.id, site.name])) : null;
  const [filters, setFilters] = useState<Filters>({ search: '', kind: '', active: 'true', site_id: '' });
  const [sort, setSort] = useState<ClientSort>('name');
  const [creating, setCreating] = useState(false);
  const pages = useCursorPages();
  const search = useDebounced(filters.search.trim(), 300);
  const clients = useQuery(
    clientsQuery({
      sort,
      limit: PAGE_SIZE,
      is_active: filters.active === 'true',
      ...(search ? { search } : {}),
      ...(filters.kind ? { kind: filters.kind } : {}),
      ...(filters.site_id ? { site_id: filters.site_id } : {}),
      ...(pages.cursor ? { cursor: pages.cursor } : {}),
    }),
  );
  // A new order or payment changes a client's balance and last order.
  useRealtimeInvalidation(
    ['notification:commande_', 'notification:paiement_', 'reconnected'],
    [clientKeys.all],
  );

  const update = (patch: Partial<Filters>) => {
    setFilters((previous) => ({ ...previous, ...patch }));
    pages.reset();
  };

  return (
    <>
      <PageHeader
        title={t('clients.title')}
        subtitle={t('clients.subtitle')}
        actions={
          canCreate ? (
            <Button
              variant="primary"
              icon={<Icon name="plus" className="size-4" />}
              onClick={() => setCreating(true)}
            >
              {t('clients.new')}
            </Button>
          ) : null
        }
      />
      <TableCard
        toolbar={
          <div className="flex flex-wrap items-center gap-2">
            <SearchBox
              label={t('common.search')}
              placeholder={t('clients.search_placeholder')}
              value={filters.search}
              onChange={(search) => update({ search })}
            />
            <FilterSelect
              label={t('clients.kind')}
              allLabel={t('clients.all_kinds')}
              className="w-44"
              value={filters.kind}
              options={CLIENT_KINDS.map((kind) => ({ value: kind, label: t(`clients.kind.${kind}`) }))}
              onChange={(kind) => update({ kind })}
            />
            <select
              aria-label={t('common.status')}
              className={inputClass('w-40')}
              value={filters.active}
              onChange={(event) => update({ active: event.target.value as Filters['active'] })}
            >
              <option value="true">{t('clients.active_only')}</option>
              <option value="false">{t('clients.inactive_only')}</option>
            </select>
            {sites.length > 1 ? (
              <FilterSelect
                label={t('orders.site')}
                allLabel={t('orders.all_sites')}
                className="w-44"
                value={filters.site_id}
                options={sites.map((site) => ({ value: site.id, label: site.name }))}
                onChange={(site_id) => update({ site_id })}
              />
            ) : null}
            <select
              aria-label={t('orders.sort')}
              className={inputClass('ml-auto w-48')}
              value={sort}
              onChange={(event) => {
                setSort(event.target.value as ClientSort);
                pages.reset();
              }}
            >
              <option value="name">{t('clients.sort.name')}</option>
              <option value="last_order_at">{t('clients.sort.last_order_at')}</option>
            </select>
          </div>
        }
        footer={<CursorPager pages={pages} nextCursor={clients.data?.next_cursor} />}
      >
        <thead>
          <tr>
            <Th>{t('clients.name')}</Th>
            <Th>{t('clients.phone')}</Th>
            <Th>{t('clients.kind')}</Th>
            <Th>{t('clients.area')}</Th>
            <Th className="text-right">{t('clients.balance')}</Th>
            <Th>{t('clients.last_order')}</Th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {clients.isPending ? (
            <LoadingRows columns={COLUMNS} rows={8} />
          ) : clients.isError ? (
            <ErrorRow columns={COLUMNS} error={clients.error} onRetry={() => clients.refetch()} />
          ) : clients.data.items.length === 0 ? (
            <EmptyRow columns={COLUMNS}>
              {search || filters.kind || filters.active === 'false'
                ? t('clients.empty_filtered')
                : t('clients.empty')}
            </EmptyRow>
          ) : (
            clients.data.items.map((client) => (
              <tr key={client.id} data-testid={`client-row-${client.name}`} className="hover:bg-slate-50">
                <td className={TD}>
                  <Link
                    href={`/clients/${client.id}`}
                    className="font-medium text-emerald-800 hover:underline"
                  >
                    {client.name}
                  </Link>
                  {siteName ? (
                    <p className="text-xs text-slate-500">{siteName.get(client.site_id) ?? ''}</p>
                  ) : null}
                </td>
                <td className={`${TD} tabular-nums`}>{client.phone ?? t('common.none')}</td>
                <td className={TD}>
                  <KindBadge kind={client.kind} />
                </td>
                <td className={`${TD} max-w-48 truncate`}>{client.area ?? t('common.none')}</td>
                <td className={`${TD} text-right`} data-testid="client-balance">
                  <ClientBalance client={client} />
                  {client.credit_limit !== null ? (
                    <p className="text-xs text-slate-500">
                      {t('clients.limit_short', { limit: formatAmount(client.credit_limit) })}
                    </p>
                  ) : null}
                </td>
                <td className={`${TD} tabular-nums`}>
                  {client.last_order_at ? formatDate(client.last_order_at) : t('clients.never_ordered')}
                  <p className="text-xs text-slate-500">
                    {t('clients.order_count', { count: client.order_count })}
                  </p>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </TableCard>
      {creating ? <ClientFormDialog client={null} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
