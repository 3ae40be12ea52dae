import { CLIENT_KINDS, type Client, type ClientKind, IdSchema } from '@gapal/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { z } from 'zod';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, SelectField, TextAreaField, TextField } from '../../components/form.tsx';
import { toast } from '../../components/toast.tsx';
import { ApiError } from '../../lib/api-client.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useSession } from '../../lib/session.ts';
import { blankToNull } from '../../lib/validate.ts';
import { useAdminSites } from '../sites/use-admin-sites.ts';
import { type ClientFormInput, useCreateClient, useUpdateClient } from './mutations.ts';
import { clientKeys } from './queries.ts';

const PhoneTakenSchema = z.object({ client: z.object({ id: IdSchema, name: z.string() }) });

/** The client that already has the phone, when the server refused it for that. */
function phoneOwner(error: Error | null): { id: string; name: string } | null {
  if (!(error instanceof ApiError) || error.code !== 'client_phone_taken') return null;
  const parsed = PhoneTakenSchema.safeParse(error.details);
  return parsed.success ? parsed.data.client : null;
}

/** A credit limit as typed: blank is none; anything else goes to the shared schema as a number. */
function creditLimitOf(text: string): number | null {
  const trimmed = text.replace(/\s/g, '');
  return trimmed === '' ? null : Number(trimmed);
}

/** Creates a client (then opens their page), or edits one when `client` is given. */
export function ClientFormDialog({ client, onClose }: { client: Client | null; onClose: () => void }) {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const create = useCreateClient();
  const update = useUpdateClient();
  const mutation = client ? update : create;
  // An admin creates on any active site; everyone else on their own.
  const isAdmin = useCan('sites.manage');
  const ownSiteId = useSession()?.user.site_id ?? '';
  const sites = useAdminSites().filter((site) => site.is_active);
  const choosesSite = !client && isAdmin && (sites.length > 1 || !ownSiteId);
  const [form, setForm] = useState({
    name: client?.name ?? '',
    phone: client?.phone ?? '',
    kind: (client?.kind ?? 'boutique') as ClientKind,
    area: client?.area ?? '',
    address: client?.address ?? '',
    credit_limit: client?.credit_limit?.toString() ?? '',
    notes: client?.notes ?? '',
    site_id: ownSiteId || sites[0]?.id || '',
  });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((previous) => ({ ...previous, [key]: event.target.value }));

  const submit = () => {
    const fields: ClientFormInput = {
      name: form.name,
      phone: blankToNull(form.phone),
      kind: form.kind,
      area: blankToNull(form.area),
      address: blankToNull(form.address),
      credit_limit: creditLimitOf(form.credit_limit),
      notes: blankToNull(form.notes),
    };
    if (client) {
      update.mutate(
        { id: client.id, input: { ...fields, version: client.version } },
        {
          onSuccess: () => {
            toast(t('common.saved'));
            onClose();
          },
        },
      );
    } else {
      create.mutate(
        { ...fields, ...(choosesSite && form.site_id ? { site_id: form.site_id } : {}) },
        {
          onSuccess: (created) => {
            toast(t('clients.created', { name: created.name }));
            onClose();
            navigate(`/clients/${created.id}`);
          },
        },
      );
    }
  };

  const error = mutation.error;
  const owner = phoneOwner(error);
  const isConflict = error instanceof ApiError && error.code === 'version_conflict';
  return (
    <Dialog
      open
      size="lg"
      title={client ? t('clients.edit_title', { name: client.name }) : t('clients.new')}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={client ? t('common.save') : t('common.create')}
      isSubmitting={mutation.isPending}
    >
      {isConflict && client ? (
        <div
          role="alert"
          data-testid="client-version-conflict"
          className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          <span>{t('clients.version_conflict')}</span>
          <Button
            size="sm"
            onClick={async () => {
              // The warning stays until the other person's version is in the form (a new version
              // mounts a new form: the page keys it by version).
              await queryClient.refetchQueries({ queryKey: clientKeys.detail(client.id) });
              update.reset();
            }}
          >
            {t('clients.reload')}
          </Button>
        </div>
      ) : owner ? null : (
        <FormError error={error} />
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t('clients.name')}
          name="name"
          autoComplete="off"
          value={form.name}
          onChange={set('name')}
          error={fieldError(error, 'name')}
          className="sm:col-span-2"
        />
        <div>
          <TextField
            label={t('clients.phone')}
            name="phone"
            type="tel"
            autoComplete="off"
            value={form.phone}
            onChange={set('phone')}
            hint={t('clients.phone_hint')}
            error={owner ? t('clients.phone_taken', { name: owner.name }) : fieldError(error, 'phone')}
          />
          {owner ? (
            <Link
              href={`/clients/${owner.id}`}
              onClick={onClose}
              className="mt-1 inline-block text-xs font-medium text-emerald-800 hover:underline"
              data-testid="phone-owner-link"
            >
              {t('clients.open_client', { name: owner.name })}
            </Link>
          ) : null}
        </div>
        <SelectField
          label={t('clients.kind')}
          name="kind"
          value={form.kind}
          onChange={set('kind')}
          error={fieldError(error, 'kind')}
          options={CLIENT_KINDS.map((kind) => ({ value: kind, label: t(`clients.kind.${kind}`) }))}
        />
        <TextField
          label={t('clients.area')}
          name="area"
          value={form.area}
          onChange={set('area')}
          error={fieldError(error, 'area')}
        />
        <TextField
          label={t('clients.credit_limit')}
          name="credit_limit"
          inputMode="numeric"
          value={form.credit_limit}
          onChange={set('credit_limit')}
          hint={t('clients.credit_limit_hint')}
          error={fieldError(error, 'credit_limit')}
        />
        <TextAreaField
          label={t('clients.address')}
          name="address"
          rows={2}
          value={form.address}
          onChange={set('address')}
          error={fieldError(error, 'address')}
          className="sm:col-span-2"
        />
        <TextAreaField
          label={t('clients.notes')}
          name="notes"
          rows={2}
          value={form.notes}
          onChange={set('notes')}
          error={fieldError(error, 'notes')}
          className="sm:col-span-2"
        />
        {choosesSite ? (
          <SelectField
            label={t('orders.site')}
            name="site_id"
            value={form.site_id}
            onChange={set('site_id')}
            error={fieldError(error, 'site_id')}
            options={sites.map((site) => ({ value: site.id, label: site.name }))}
          />
        ) : null}
      </div>
    </Dialog>
  );
}
