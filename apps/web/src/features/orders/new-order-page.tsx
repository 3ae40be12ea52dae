import { useState } from 'react';
import { useLocation } from 'wouter';
import { PageHeader } from '../../components/page.tsx';
import { toast } from '../../components/toast.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { useCreateOrder } from './mutations.ts';
import { OrderForm } from './order-form.tsx';

export function NewOrderPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const create = useCreateOrder();
  // One id per form: a retried submit returns the same order instead of a second one.
  const [localId] = useState(() => crypto.randomUUID());

  return (
    <>
      <PageHeader title={t('orders.new_title')} subtitle={t('orders.new_subtitle')} />
      <OrderForm
        error={create.error}
        isPending={create.isPending}
        submitLabel={t('orders.create')}
        cancelHref="/commandes"
        onSubmit={(values) =>
          create.mutate(
            { local_id: localId, ...values },
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
