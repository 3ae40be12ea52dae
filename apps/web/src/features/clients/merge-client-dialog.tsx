import type { Client, ClientListItem } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { Dialog } from '../../components/dialog.tsx';
import { SearchBox } from '../../components/search-box.tsx';
import { formatAmount } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { useMergeClients } from './mutations.ts';
import { clientQuery, clientsQuery } from './queries.ts';

/** After the merge: the kept client as it is now, with the orders it received. */
function MergeResult({
  merged,
  kept,
  onClose,
}: {
  merged: ClientListItem;
  kept: Client;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const detail = useQuery(clientQuery(kept.id));
  return (
    <Dialog open title={t('clients.merge.done_title')} onClose={onClose}>
      <div role="status" data-testid="merge-result" className="space-y-2 text-sm text-slate-700">
        <p>{t('clients.merge.done', { merged: merged.name, kept: kept.name })}</p>
        {detail.data ? (
          <p>
            {t('clients.merge.done_figures', {
              name: kept.name,
              count: detail.data.order_count,
              balance: formatAmount(detail.data.balance),
            })}
          </p>
        ) : null}
        <Link
          href={`/clients/${kept.id}`}
          onClick={onClose}
          className="inline-block font-medium text-emerald-800 hover:underline"
        >
          {t('clients.open_client', { name: kept.name })}
        </Link>
      </div>
    </Dialog>
  );
}

/**
 * Merges `client` into another client of the same site (admin): pick the one to keep by search,
 * read what moves, confirm. `client`'s orders and their payments move to the kept one; `client`
 * becomes inactive, marked as merged.
 */
export function MergeClientDialog({ client, onClose }: { client: ClientListItem; onClose: () => void }) {
  const { t } = useI18n();
  const merge = useMergeClients();
  const [search, setSearch] = useState('');
  const [kept, setKept] = useState<ClientListItem | null>(null);
  const debounced = useDebounced(search.trim(), 300);
  const candidates = useQuery({
    ...clientsQuery({ search: debounced, site_id: client.site_id, is_active: true, sort: 'name', limit: 8 }),
    enabled: debounced.length > 0,
  });
  const choices = (candidates.data?.items ?? []).filter((candidate) => candidate.id !== client.id);

  if (merge.isSuccess && kept) return <MergeResult merged={client} kept={merge.data} onClose={onClose} />;
  return (
    <Dialog
      open
      size="lg"
      title={t('clients.merge.title', { name: client.name })}
      onClose={onClose}
      {...(kept
        ? {
            onSubmit: () => merge.mutate({ kept_id: kept.id, merged_id: client.id }),
            submitLabel: t('clients.merge.confirm'),
            submitVariant: 'danger' as const,
            isSubmitting: merge.isPending,
          }
        : {})}
    >
      {kept ? (
        <div className="space-y-3 text-sm text-slate-700" data-testid="merge-confirm">
          <p>
            {t('clients.merge.what_moves', {
              merged: client.name,
              kept: kept.name,
              count: client.order_count,
            })}
          </p>
          <p>{t('clients.merge.after', { merged: client.name })}</p>
          <button
            type="button"
            className="text-sm font-medium text-emerald-800 hover:underline"
            onClick={() => {
              merge.reset();
              setKept(null);
            }}
          >
            {t('clients.merge.choose_other')}
          </button>
          {merge.error ? (
            <p role="alert" className="text-sm text-red-700">
              {merge.error.message}
            </p>
          ) : null}
        </div>
      ) : (
        <div className="space-y-3">
          <p className="text-sm text-slate-600">{t('clients.merge.pick_hint', { name: client.name })}</p>
          <SearchBox
            label={t('clients.merge.search')}
            placeholder={t('clients.search_placeholder')}
            className="w-full"
            value={search}
            onChange={setSearch}
          />
          {debounced && candidates.data && choices.length === 0 ? (
            <p className="text-sm text-slate-500">{t('clients.empty_filtered')}</p>
          ) : null}
          <ul className="divide-y divide-slate-100">
            {choices.map((candidate) => (
              <li key={candidate.id}>
                <button
                  type="button"
                  data-testid="merge-candidate"
                  className="flex w-full items-center justify-between gap-3 rounded px-2 py-2 text-left text-sm hover:bg-slate-50"
                  onClick={() => setKept(candidate)}
                >
                  <span>
                    <span className="font-medium text-slate-900">{candidate.name}</span>
                    <span className="ml-2 text-xs text-slate-500">
                      {candidate.phone ?? t('common.none')} · {candidate.area ?? t('common.none')}
                    </span>
                  </span>
                  <span className="text-xs text-slate-500">
                    {t('clients.order_count', { count: candidate.order_count })}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Dialog>
  );
}
