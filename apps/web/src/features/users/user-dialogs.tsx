import { ROLES, type Role, type User } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, SelectField, TextField } from '../../components/form.tsx';
import { toast } from '../../components/toast.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { blankToNull } from '../../lib/validate.ts';
import { sitesQuery } from '../sites/queries.ts';
import { useCreateUser, useResetPassword, useUpdateUser } from './mutations.ts';

function useSiteOptions(withAll: boolean) {
  const { t } = useI18n();
  const sites = useQuery(sitesQuery());
  return [
    ...(withAll ? [{ value: '', label: t('users.no_site') }] : []),
    ...(sites.data ?? []).map((site) => ({ value: site.id, label: `${site.name} (${site.code})` })),
  ];
}

/** Creates a user, or edits one when `user` is given (name, phone, role, site). */
export function UserFormDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useI18n();
  const create = useCreateUser();
  const update = useUpdateUser();
  const mutation = user ? update : create;
  const siteOptions = useSiteOptions(true);
  const [form, setForm] = useState({
    username: user?.username ?? '',
    full_name: user?.full_name ?? '',
    phone: user?.phone ?? '',
    role: (user?.role ?? 'vendeur') as Role,
    site_id: user?.site_id ?? siteOptions[1]?.value ?? '',
    password: '',
  });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((previous) => ({ ...previous, [key]: event.target.value }));

  const submit = () => {
    const common = {
      full_name: form.full_name,
      phone: blankToNull(form.phone),
      role: form.role,
      site_id: form.site_id || null,
    };
    if (user) {
      update.mutate(
        { id: user.id, input: common },
        {
          onSuccess: () => {
            toast(t('common.saved'));
            onClose();
          },
        },
      );
    } else {
      create.mutate(
        { ...common, username: form.username, password: form.password },
        {
          onSuccess: (created) => {
            toast(t('users.created', { name: created.full_name }));
            onClose();
          },
        },
      );
    }
  };

  const error = mutation.error;
  return (
    <Dialog
      open
      title={user ? t('users.edit') : t('users.new')}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={user ? t('common.save') : t('common.create')}
      isSubmitting={mutation.isPending}
    >
      <FormError error={error} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t('users.full_name')}
          name="full_name"
          value={form.full_name}
          onChange={set('full_name')}
          error={fieldError(error, 'full_name')}
          className="sm:col-span-2"
        />
        {user ? null : (
          <TextField
            label={t('users.username')}
            name="username"
            autoComplete="off"
            value={form.username}
            onChange={set('username')}
            error={fieldError(error, 'username')}
          />
        )}
        <TextField
          label={t('users.phone')}
          name="phone"
          value={form.phone}
          onChange={set('phone')}
          error={fieldError(error, 'phone')}
        />
        <SelectField
          label={t('users.role')}
          name="role"
          value={form.role}
          onChange={set('role')}
          error={fieldError(error, 'role')}
          options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
        />
        <SelectField
          label={t('users.site')}
          name="site_id"
          value={form.site_id}
          onChange={set('site_id')}
          error={fieldError(error, 'site_id')}
          options={siteOptions}
        />
        {user ? null : (
          <TextField
            label={t('users.password')}
            name="password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set('password')}
            error={fieldError(error, 'password')}
            className="sm:col-span-2"
          />
        )}
      </div>
    </Dialog>
  );
}

export function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useI18n();
  const reset = useResetPassword();
  const [password, setPassword] = useState('');
  return (
    <Dialog
      open
      title={`${t('users.reset_password')} — ${user.full_name}`}
      onClose={onClose}
      isSubmitting={reset.isPending}
      onSubmit={() =>
        reset.mutate(
          { id: user.id, password },
          {
            onSuccess: () => {
              toast(t('users.password_reset', { name: user.full_name }));
              onClose();
            },
          },
        )
      }
    >
      <FormError error={reset.error} />
      <TextField
        label={t('users.new_password')}
        name="password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={fieldError(reset.error, 'password')}
      />
    </Dialog>
  );
}
