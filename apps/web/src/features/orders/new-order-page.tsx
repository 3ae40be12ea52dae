import { useState } from 'react';
import { useLocation } from 'wouter';
import { SelectField } from '../../components/form.tsx';
import { PageHeader } from '../../components/page.tsx';
import { toast } from '../../components/toast.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useSession } from '../../lib/session.ts';
import { useAdminSites } from '../sites/use-admin-sites.ts';
import { useCreateOrder } from './mutations.ts';
import { OrderForm } from './order-form.tsx';

export function NewOrderPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const create = useCreateOrder();
  // One id per form: a retried submit returns the same order instead of a second one.
  const [localId] = useState(() => crypto.randomUUID());
  // An admin may take an order for any active site; everyone else's orders go to their own.
  const isAdmin = useCan('sites.manage');
  const ownSiteId = useSession()?.user.site_id ?? '';
  const sites = useAdminSites().filter((site) => site.is_active);
  const [siteId, setSiteId] = useState(ownSiteId);
  const choosesSite = isAdmin && (sites.length > 1 || !ownSiteId);

  return (
    <>
      <PageHeader title={t('orders.new_title')} subtitle={t('orders.new_subtitle')} />
      {choosesSite ? (
        <SelectField
          label={t('orders.site')}
          name="site_id"
          className="mb-4 max-w-xs"
          hint={t('orders.site_hint')}
          value={siteId}
          onChange={(event) => setSiteId(event.target.value)}
          options={[
            ...(siteId ? [] : [{ value: '', label: t('orders.choose_site') }]),
            ...sites.map((site) => ({ value: site.id, label: site.name })),
          ]}
        />
      ) : null}
      <OrderForm
        // Another site has other stock: its order starts over.
        key={siteId}
        siteId={choosesSite ? siteId || undefined : undefined}
        error={create.error}
        isPending={create.isPending}
        submitLabel={t('orders.create')}
        cancelHref="/commandes"
        onSubmit={(values) =>
          create.mutate(
            { local_id: localId, ...values, ...(choosesSite && siteId ? { site_id: siteId } : {}) },
            {
              onSuccess: (order) => {
                toast(t('orders.created', { number: order.number }));
                navigate(`/commandes/${order.id}`);
              },
            },
          )
        }
      />
    </>
  );
}
