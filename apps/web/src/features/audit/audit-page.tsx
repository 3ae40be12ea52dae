import type { AuditEntry } from '@gapal/shared';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Button } from '../../components/button.tsx';
import { inputClass } from '../../components/form.tsx';
import { PageHeader } from '../../components/page.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { ACTIONS_TD, ACTIONS_TH, TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { usersQuery } from '../users/queries.ts';
import { type AuditFilter, auditQuery } from './queries.ts';

const COLUMNS = 5;
const ENTITIES = ['user', 'site', 'device', 'product', 'category', 'lot', 'stock_movement', 'order'];

function clean(filter: AuditFilter): AuditFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as AuditFilter;
}

function ChangeView({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  const render = (value: unknown) => (
    <pre className="max-h-64 overflow-auto rounded bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <div>
        <p className="mb-1 text-xs font-semibold text-slate-500 uppercase">{t('audit.before')}</p>
        {entry.before === null ? (
          <p className="text-xs text-slate-500">{t('common.none')}</p>
        ) : (
          render(entry.before)
        )}
      </div>
      <div>
        <p className="mb-1 text-xs font-semibold text-slate-500 uppercase">{t('audit.after')}</p>
        {entry.after === null ? (
          <p className="text-xs text-slate-500">{t('common.none')}</p>
        ) : (
          render(entry.after)
        )}
      </div>
    </div>
  );
}

export function AuditPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [action, setAction] = useState('');
  const debouncedAction = useDebounced(action.trim(), 300);
  const effective = clean({ ...filter, action: debouncedAction });
  const audit = useInfiniteQuery({ ...auditQuery(effective), placeholderData: keepPreviousData });
  const users = useQuery(usersQuery({}));
  const [open, setOpen] = useState<string | null>(null);
  const entries = audit.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <TableCard
        toolbar={
          <div className="flex flex-wrap items-center gap-2">
            <select
              aria-label={t('audit.user')}
              className={inputClass('w-52')}
              value={filter.user_id ?? ''}
              onChange={(e) => setFilter({ ...filter, user_id: e.target.value })}
            >
              <option value="">{`${t('audit.user')} : ${t('common.all').toLowerCase()}`}</option>
              {(users.data ?? []).map((user) => (
                <option key={user.id} value={user.id}>
                  {user.full_name}
                </option>
              ))}
            </select>
            <select
              aria-label={t('audit.entity')}
              className={inputClass('w-44')}
              value={filter.entity ?? ''}
              onChange={(e) => setFilter({ ...filter, entity: e.target.value })}
            >
              <option value="">{`${t('audit.entity')} : ${t('common.all').toLowerCase()}`}</option>
              {ENTITIES.map((entity) => (
                <option key={entity} value={entity}>
                  {entity}
                </option>
              ))}
            </select>
            <input
              aria-label={t('audit.action')}
              placeholder={`${t('audit.action')} (user.update…)`}
              className={inputClass('w-48')}
              value={action}
              onChange={(e) => setAction(e.target.value)}
            />
            <label className="flex items-center gap-1.5 text-sm text-slate-600">
              {t('common.from')}
              <input
                type="date"
                className={inputClass('w-40')}
                value={filter.from ?? ''}
                onChange={(e) => setFilter({ ...filter, from: e.target.value })}
              />
            </label>
            <label className="flex items-center gap-1.5 text-sm text-slate-600">
              {t('common.to')}
              <input
                type="date"
                className={inputClass('w-40')}
                value={filter.to ?? ''}
                onChange={(e) => setFilter({ ...filter, to: e.target.value })}
              />
            </label>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setFilter({});
                setAction('');
              }}
            >
              {t('common.reset')}
            </Button>
          </div>
        }
        footer={
          audit.hasNextPage ? (
            <div className="flex justify-center">
              <Button size="sm" onClick={() => audit.fetchNextPage()} isLoading={audit.isFetchingNextPage}>
                {t('common.load_more')}
              </Button>
            </div>
          ) : undefined
        }
      >
        <thead>
          <tr>
            <Th>{t('audit.at')}</Th>
            <Th>{t('audit.user')}</Th>
            <Th>{t('audit.action')}</Th>
            <Th>{t('audit.entity')}</Th>
            <Th className={ACTIONS_TH}>{t('audit.changes')}</Th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {audit.isPending ? (
            <LoadingRows columns={COLUMNS} rows={8} />
          ) : audit.isError ? (
            <ErrorRow columns={COLUMNS} error={audit.error} onRetry={() => audit.refetch()} />
          ) : entries.length === 0 ? (
            <EmptyRow columns={COLUMNS}>{t('audit.empty')}</EmptyRow>
          ) : (
            entries.map((entry) => (
              <Fragment key={entry.id}>
                <tr data-testid="audit-row">
                  <td className={`${TD} tabular-nums`}>{formatDateTime(entry.at)}</td>
                  <td className={TD}>
                    {entry.username ?? <span className="text-slate-500">{t('audit.system')}</span>}
                  </td>
                  <td className={TD}>
                    <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">
                      {entry.action}
                    </code>
                  </td>
                  <td className={TD}>
                    {entry.entity}
                    {entry.entity_id ? (
                      <span className="ml-1.5 text-xs text-slate-500">{entry.entity_id.slice(0, 8)}</span>
                    ) : null}
                  </td>
                  <td className={ACTIONS_TD}>
                    {entry.before !== null || entry.after !== null ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-expanded={open === entry.id}
                        onClick={() => setOpen(open === entry.id ? null : entry.id)}
                      >
                        {t('common.details')}
                      </Button>
                    ) : null}
                  </td>
                </tr>
                {open === entry.id ? (
                  <tr>
                    <td colSpan={COLUMNS} className="bg-slate-50 px-4 py-3">
                      <ChangeView entry={entry} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))
          )}
        </tbody>
      </TableCard>
    </>
  );
}
