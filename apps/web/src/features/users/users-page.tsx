import { ROLES, type Role, type User } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { ConfirmMutationDialog } from '../../components/dialog.tsx';
import { FilterSelect, inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { ACTIONS_TD, ACTIONS_TH, TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { toast } from '../../components/toast.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { sitesQuery } from '../sites/queries.ts';
import { useDeactivateUser, useUpdateUser } from './mutations.ts';
import { type UserFilter, usersQuery } from './queries.ts';
import { RoleBadge } from './role-badge.tsx';
import { ResetPasswordDialog, UserFormDialog } from './user-dialogs.tsx';

const COLUMNS = 6;

export function UsersPage() {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [isActive, setIsActive] = useState<'' | 'true' | 'false'>('');
  const debouncedSearch = useDebounced(search.trim(), 250);
  const filter: UserFilter = { search: debouncedSearch || undefined, role, is_active: isActive };
  const users = useQuery(usersQuery(filter));
  const sites = useQuery(sitesQuery());
  const siteNames = useMemo(
    () => new Map((sites.data ?? []).map((site) => [site.id, site.name])),
    [sites.data],
  );

  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deactivating, setDeactivating] = useState<User | null>(null);
  const deactivate = useDeactivateUser();
  const update = useUpdateUser();

  return (
    <>
      <PageHeader
        title={t('users.title')}
        subtitle={t('users.subtitle')}
        actions={
          <Button
            variant="primary"
            icon={<Icon name="plus" className="size-4" />}
            onClick={() => setEditing('new')}
          >
            {t('users.new')}
          </Button>
        }
      />
      <TableCard
        toolbar={
          <div className="flex flex-wrap gap-2">
            <div className="relative w-64">
              <Icon
                name="search"
                className="pointer-events-none absolute top-2 left-2.5 size-4 text-slate-400"
              />
              <input
                type="search"
                aria-label={t('common.search')}
                placeholder={t('users.search_placeholder')}
                className={inputClass('w-full pl-8')}
                value={search}
                onChange={(event) => setSearch(event.target.value)}
              />
            </div>
            <FilterSelect
              label={t('users.role')}
              allLabel={`${t('users.role')} : ${t('common.all').toLowerCase()}`}
              className="w-56"
              value={role}
              options={ROLES.map((option) => ({ value: option, label: t(`role.${option}`) }))}
              onChange={setRole}
            />
            <FilterSelect
              label={t('common.status')}
              allLabel={`${t('common.status')} : ${t('common.all').toLowerCase()}`}
              value={isActive}
              options={[
                { value: 'true', label: t('common.active') },
                { value: 'false', label: t('common.inactive') },
              ]}
              onChange={setIsActive}
            />
          </div>
        }
      >
        <thead>
          <tr>
            <Th>{t('users.full_name')}</Th>
            <Th>{t('users.role')}</Th>
            <Th>{t('users.site')}</Th>
            <Th>{t('users.last_login')}</Th>
            <Th>{t('common.status')}</Th>
            <Th className={ACTIONS_TH}>
              <span className="sr-only">{t('common.actions')}</span>
            </Th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {users.isPending ? (
            <LoadingRows columns={COLUMNS} />
          ) : users.isError ? (
            <ErrorRow columns={COLUMNS} error={users.error} onRetry={() => users.refetch()} />
          ) : users.data.length === 0 ? (
            <EmptyRow columns={COLUMNS}>{t('users.empty')}</EmptyRow>
          ) : (
            users.data.map((user) => (
              <tr key={user.id} data-testid={`user-row-${user.username}`} className="hover:bg-slate-50/70">
                <td className={TD}>
                  <p className="font-medium text-slate-900">{user.full_name}</p>
                  <p className="text-xs text-slate-500">
                    {user.username}
                    {user.phone ? ` · ${user.phone}` : ''}
                  </p>
                </td>
                <td className={TD}>
                  <RoleBadge role={user.role} />
                </td>
                <td className={TD}>
                  {user.site_id ? (siteNames.get(user.site_id) ?? '…') : t('users.no_site')}
                </td>
                <td className={TD}>
                  {user.last_login_at ? formatDateTime(user.last_login_at) : t('users.never')}
                </td>
                <td className={TD}>
                  {user.is_active ? (
                    <Badge tone="green" dot>
                      {t('common.active')}
                    </Badge>
                  ) : (
                    <Badge tone="red" dot>
                      {t('common.inactive')}
                    </Badge>
                  )}
                </td>
                <td className={ACTIONS_TD}>
                  <div className="flex justify-end gap-1">
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setEditing(user)}
                      aria-label={`${t('common.edit')} ${user.full_name}`}
                    >
                      {t('common.edit')}
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setResetting(user)}
                      aria-label={`${t('users.reset_password')} — ${user.full_name}`}
                    >
                      {t('auth.password')}
                    </Button>
                    {user.is_active ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-700 hover:bg-red-50 hover:text-red-800"
                        onClick={() => setDeactivating(user)}
                        aria-label={`${t('users.deactivate')} ${user.full_name}`}
                      >
                        {t('users.deactivate')}
                      </Button>
                    ) : (
                      <Button
                        size="sm"
                        variant="ghost"
                        isLoading={update.isPending && update.variables?.id === user.id}
                        onClick={() =>
                          update.mutate(
                            { id: user.id, input: { is_active: true } },
                            {
                              onSuccess: () => toast(t('common.saved')),
                              onError: (error) => toast(error.message, 'error'),
                            },
                          )
                        }
                      >
                        {t('users.reactivate')}
                      </Button>
                    )}
                  </div>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </TableCard>

      {editing ? (
        <UserFormDialog user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
      {resetting ? <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} /> : null}
      {deactivating ? (
        <ConfirmMutationDialog
          title={t('users.deactivate')}
          message={t('users.deactivate_confirm', { name: deactivating.full_name })}
          confirmLabel={t('users.deactivate')}
          mutation={deactivate}
          variables={deactivating.id}
          successMessage={t('users.deactivated', { name: deactivating.full_name })}
          onClose={() => setDeactivating(null)}
        />
      ) : null}
    </>
  );
}
