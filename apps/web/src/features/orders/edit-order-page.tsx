import type { Order, UpdateOrderInput } from '@gapal/shared';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { PageHeader } from '../../components/page.tsx';
import { ErrorPanel, PageLoading } from '../../components/states.tsx';
import { toast } from '../../components/toast.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { productQuery } from '../products/queries.ts';
import { useUpdateOrder } from './mutations.ts';
import { OrderForm, type OrderFormValues, type OrderLine, orderFormStart } from './order-form.tsx';
import { orderQuery } from './queries.ts';

/** The fields that differ from the order as loaded: an edit sends only what the user changed. */
export function orderChanges(order: Order, values: OrderFormValues): UpdateOrderInput {
  const changes: UpdateOrderInput = { version: order.version };
  if (values.client_name !== order.client_name) changes.client_name = values.client_name;
  if (values.client_phone !== order.client_phone) changes.client_phone = values.client_phone;
  if (values.delivery_address !== order.delivery_address) changes.delivery_address = values.delivery_address;
  if (values.delivery_date !== order.delivery_date) changes.delivery_date = values.delivery_date;
  if (values.priority !== order.priority) changes.priority = values.priority;
  if (values.notes !== order.notes) changes.notes = values.notes;
  const itemsBefore = order.items.map((item) => `${item.product_id}:${item.quantity}`).sort();
  const itemsAfter = values.items.map((item) => `${item.product_id}:${item.quantity}`).sort();
  if (itemsBefore.join() !== itemsAfter.join()) changes.items = values.items;
  return changes;
}

/** Editing an order while it is `nouvelle` (PUT /api/orders/{id}/, refused once it moved on). */
export function EditOrderPage({ id }: { id: string }) {
  const { t } = useI18n();
  const order = useQuery(orderQuery(id));
  const products = useQueries({
    queries: (order.data?.items ?? []).map((item) => productQuery(item.product_id, order.data?.site_id)),
  });

  if (order.isError) return <ErrorPanel error={order.error} onRetry={() => order.refetch()} />;
  const failed = products.find((product) => product.isError);
  if (failed?.error) return <ErrorPanel error={failed.error} />;
  if (order.isPending || products.some((product) => product.isPending)) {
    return <PageLoading />;
  }
  const o = order.data;
  const title = t('orders.edit_title', { number: o.number });
  if (o.delivery_status !== 'nouvelle') {
    return (
      <>
        <PageHeader title={title} />
        <p className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" role="alert">
          {t('orders.not_editable', { status: t(`status.${o.delivery_status}`) })}{' '}
          <Link href={`/commandes/${o.id}`} className="font-medium underline">
            {t('orders.back_to_order')}
          </Link>
        </p>
      </>
    );
  }
  // Each line as the order prices it: the product's price when the order was made, not today's.
  const lines: OrderLine[] = o.items.map((item, index) => ({
    product: { ...products[index]!.data!, unit_price: item.unit_price },
    quantity: String(item.quantity),
  }));
  return (
    <>
      <PageHeader title={title} subtitle={t('orders.edit_subtitle')} />
      <EditForm order={o} lines={lines} />
    </>
  );
}

function EditForm({ order, lines }: { order: Order; lines: OrderLine[] }) {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const update = useUpdateOrder();
  return (
    <OrderForm
      start={orderFormStart(order, lines)}
      siteId={order.site_id}
      error={update.error}
      isPending={update.isPending}
      submitLabel={t('orders.save')}
      cancelHref={`/commandes/${order.id}`}
      onSubmit={(values) =>
        update.mutate(
          { id: order.id, input: orderChanges(order, values) },
          {
            onSuccess: (saved) => {
              toast(t('orders.saved', { number: saved.number }));
              navigate(`/commandes/${saved.id}`);
            },
          },
        )
      }
    />
  );
}
