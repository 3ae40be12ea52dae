import type { Device } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { ConfirmMutationDialog, Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, inputClass, SelectField, TextField } from '../../components/form.tsx';
import { PageHeader } from '../../components/page.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { ACTIONS_TD, ACTIONS_TH, TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { toast } from '../../components/toast.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { sitesQuery } from '../sites/queries.ts';
import { usersQuery } from '../users/queries.ts';
import { useRevokeDevice, useUpdateDevice } from './mutations.ts';
import { type DeviceFilter, devicesQuery } from './queries.ts';

const COLUMNS = 7;

function DeviceDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  const { t } = useI18n();
  const update = useUpdateDevice();
  const sites = useQuery(sitesQuery());
  const users = useQuery(usersQuery({ is_active: 'true' }));
  const [name, setName] = useState(device.name);
  const [siteId, setSiteId] = useState(device.site_id);
  const [userId, setUserId] = useState(device.user_id ?? '');
  return (
    <Dialog
      open
      title={t('devices.edit')}
      onClose={onClose}
      isSubmitting={update.isPending}
      onSubmit={() =>
        update.mutate(
          { id: device.id, input: { name, site_id: siteId, user_id: userId || null } },
          {
            onSuccess: () => {
              toast(t('common.saved'));
              onClose();
            },
          },
        )
      }
    >
      <FormError error={update.error} />
      <TextField
        label={t('devices.name')}
        name="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldError(update.error, 'name')}
      />
      <SelectField
        label={t('devices.site')}
        name="site_id"
        value={siteId}
        onChange={(e) => setSiteId(e.target.value)}
        error={fieldError(update.error, 'site_id')}
        options={(sites.data ?? []).map((site) => ({ value: site.id, label: site.name }))}
      />
      <SelectField
        label={t('devices.user')}
        name="user_id"
        value={userId}
        onChange={(e) => setUserId(e.target.value)}
        error={fieldError(update.error, 'user_id')}
        options={[
          { value: '', label: t('devices.unassigned') },
          ...(users.data ?? []).map((user) => ({
            value: user.id,
            label: `${user.full_name} (${user.username})`,
          })),
        ]}
      />
    </Dialog>
  );
}

export function DevicesPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<DeviceFilter>({ is_revoked: '' });
  const devices = useQuery(devicesQuery(filter));
  const sites = useQuery(sitesQuery());
  const users = useQuery(usersQuery({}));
  const siteNames = useMemo(() => new Map((sites.data ?? []).map((s) => [s.id, s.name])), [sites.data]);
  const userNames = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.full_name])), [users.data]);
  const [editing, setEditing] = useState<Device | null>(null);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const revoke = useRevokeDevice();

  return (
    <>
      <PageHeader title={t('devices.title')} subtitle={t('devices.subtitle')} />
      <TableCard
        toolbar={
          <div className="flex flex-wrap gap-2">
            <select
              aria-label={t('devices.site')}
              className={inputClass('w-52')}
              value={filter.site_id ?? ''}
              onChange={(e) => setFilter({ ...filter, site_id: e.target.value || undefined })}
            >
              <option value="">{t('users.no_site')}</option>
              {(sites.data ?? []).map((site) => (
                <option key={site.id} value={site.id}>
                  {site.name}
                </option>
              ))}
            </select>
            <select
              aria-label={t('common.status')}
              className={inputClass('w-44')}
              value={filter.is_revoked ?? ''}
              onChange={(e) =>
                setFilter({ ...filter, is_revoked: e.target.value as DeviceFilter['is_revoked'] })
              }
            >
              <option value="">{`${t('common.status')} : ${t('common.all').toLowerCase()}`}</option>
              <option value="false">{t('devices.in_service')}</option>
              <option value="true">{t('devices.revoked')}</option>
            </select>
          </div>
        }
      >
        <thead>
          <tr>
            <Th>{t('devices.name')}</Th>
            <Th>{t('devices.serial')}</Th>
            <Th>{t('devices.site')}</Th>
            <Th>{t('devices.user')}</Th>
            <Th>{t('devices.last_seen')}</Th>
            <Th>{t('common.status')}</Th>
            <Th className={ACTIONS_TH}>
              <span className="sr-only">{t('common.actions')}</span>
            </Th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {devices.isPending ? (
            <LoadingRows columns={COLUMNS} rows={3} />
          ) : devices.isError ? (
            <ErrorRow columns={COLUMNS} error={devices.error} onRetry={() => devices.refetch()} />
          ) : devices.data.length === 0 ? (
            <EmptyRow columns={COLUMNS}>{t('devices.empty')}</EmptyRow>
          ) : (
            devices.data.map((device) => (
              <tr key={device.id} data-testid={`device-row-${device.serial}`}>
                <td className={`${TD} font-medium text-slate-900`}>{device.name}</td>
                <td className={TD}>
                  <code className="text-xs text-slate-600">{device.serial}</code>
                </td>
                <td className={TD}>{siteNames.get(device.site_id) ?? '…'}</td>
                <td className={TD}>
                  {device.user_id ? (userNames.get(device.user_id) ?? '…') : t('devices.unassigned')}
                </td>
                <td className={TD}>{formatDateTime(device.last_seen_at)}</td>
                <td className={TD}>
                  {device.is_revoked ? (
                    <Badge tone="red" dot>
                      {t('devices.revoked')}
                    </Badge>
                  ) : (
                    <Badge tone="green" dot>
                      {t('devices.in_service')}
                    </Badge>
                  )}
                </td>
                <td className={ACTIONS_TD}>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setEditing(device)}
                    aria-label={`${t('common.edit')} ${device.name}`}
                  >
                    {t('common.edit')}
                  </Button>
                  {device.is_revoked ? null : (
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-700 hover:bg-red-50"
                      onClick={() => setRevoking(device)}
                      aria-label={`${t('devices.revoke')} ${device.name}`}
                    >
                      {t('devices.revoke')}
                    </Button>
                  )}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </TableCard>
      {editing ? <DeviceDialog device={editing} onClose={() => setEditing(null)} /> : null}
      {revoking ? (
        <ConfirmMutationDialog
          title={t('devices.revoke')}
          message={t('devices.revoke_confirm', { name: revoking.name })}
          confirmLabel={t('devices.revoke')}
          mutation={revoke}
          variables={revoking.id}
          successMessage={t('devices.revoked_toast', { name: revoking.name })}
          onClose={() => setRevoking(null)}
        />
      ) : null}
    </>
  );
}
