import type { Site } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, TextField } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { ACTIONS_TD, ACTIONS_TH, TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { toast } from '../../components/toast.tsx';
import { formatDate } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { blankToNull } from '../../lib/validate.ts';
import { useCreateSite, useUpdateSite } from './mutations.ts';
import { sitesQuery } from './queries.ts';

const COLUMNS = 6;

function SiteDialog({ site, onClose }: { site: Site | null; onClose: () => void }) {
  const { t } = useI18n();
  const create = useCreateSite();
  const update = useUpdateSite();
  const mutation = site ? update : create;
  const [name, setName] = useState(site?.name ?? '');
  const [code, setCode] = useState(site?.code ?? '');
  const [address, setAddress] = useState(site?.address ?? '');
  const submit = () => {
    const done = {
      onSuccess: () => {
        toast(site ? t('common.saved') : t('sites.created', { name }));
        onClose();
      },
    };
    if (site) update.mutate({ id: site.id, input: { name, address: blankToNull(address) } }, done);
    else create.mutate({ name, code: code.trim().toUpperCase(), address: blankToNull(address) }, done);
  };
  return (
    <Dialog
      open
      title={site ? t('sites.edit') : t('sites.new')}
      onClose={onClose}
      onSubmit={submit}
      isSubmitting={mutation.isPending}
      submitLabel={site ? t('common.save') : t('common.create')}
    >
      <FormError error={mutation.error} />
      <TextField
        label={t('sites.name')}
        name="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldError(mutation.error, 'name')}
      />
      <TextField
        label={t('sites.code')}
        name="code"
        value={code}
        disabled={Boolean(site)}
        onChange={(e) => setCode(e.target.value)}
        error={fieldError(mutation.error, 'code')}
        hint={t('sites.code_hint')}
      />
      <TextField
        label={t('sites.address')}
        name="address"
        value={address}
        onChange={(e) => setAddress(e.target.value)}
        error={fieldError(mutation.error, 'address')}
      />
    </Dialog>
  );
}

export function SitesPage() {
  const { t } = useI18n();
  const sites = useQuery(sitesQuery());
  const update = useUpdateSite();
  const [editing, setEditing] = useState<Site | 'new' | null>(null);
  return (
    <>
      <PageHeader
        title={t('sites.title')}
        subtitle={t('sites.subtitle')}
        actions={
          <Button
            variant="primary"
            icon={<Icon name="plus" className="size-4" />}
            onClick={() => setEditing('new')}
          >
            {t('sites.new')}
          </Button>
        }
      />
      <TableCard>
        <thead>
          <tr>
            <Th>{t('sites.name')}</Th>
            <Th>{t('sites.code')}</Th>
            <Th>{t('sites.address')}</Th>
            <Th>{t('common.status')}</Th>
            <Th>{t('audit.at')}</Th>
            <Th className={ACTIONS_TH}>
              <span className="sr-only">{t('common.actions')}</span>
            </Th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {sites.isPending ? (
            <LoadingRows columns={COLUMNS} rows={3} />
          ) : sites.isError ? (
            <ErrorRow columns={COLUMNS} error={sites.error} onRetry={() => sites.refetch()} />
          ) : sites.data.length === 0 ? (
            <EmptyRow columns={COLUMNS}>{t('sites.empty')}</EmptyRow>
          ) : (
            sites.data.map((site) => (
              <tr key={site.id} data-testid={`site-row-${site.code}`}>
                <td className={`${TD} font-medium text-slate-900`}>{site.name}</td>
                <td className={TD}>
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{site.code}</code>
                </td>
                <td className={TD}>{site.address ?? t('common.none')}</td>
                <td className={TD}>
                  <Badge tone={site.is_active ? 'green' : 'gray'} dot>
                    {site.is_active ? t('common.active') : t('common.inactive')}
                  </Badge>
                </td>
                <td className={TD}>{formatDate(site.created_at)}</td>
                <td className={ACTIONS_TD}>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setEditing(site)}
                    aria-label={`${t('common.edit')} ${site.name}`}
                  >
                    {t('common.edit')}
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() =>
                      update.mutate(
                        { id: site.id, input: { is_active: !site.is_active } },
                        {
                          onSuccess: () => toast(t('common.saved')),
                          onError: (error) => toast(error.message, 'error'),
                        },
                      )
                    }
                  >
                    {site.is_active ? t('users.deactivate') : t('users.reactivate')}
                  </Button>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </TableCard>
      {editing ? (
        <SiteDialog site={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
