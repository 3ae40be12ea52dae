import type { ClientDetail } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'wouter';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { ConfirmMutationDialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { ErrorPanel, PageLoading } from '../../components/states.tsx';
import { toast } from '../../components/toast.tsx';
import { formatAmount, formatDate, formatDateTime } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { PaymentBadge, StatusBadge } from '../orders/order-badges.tsx';
import { ClientBalance, isOverCreditLimit, KindBadge } from './client-badges.tsx';
import { ClientFormDialog } from './client-form-dialog.tsx';
import { ClientStatement } from './client-statement.tsx';
import { MergeClientDialog } from './merge-client-dialog.tsx';
import { useDeactivateClient, useUpdateClient } from './mutations.ts';
import { clientKeys, clientQuery } from './queries.ts';

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={testId}>
      <h2 className="border-b border-slate-200 px-4 py-3 text-sm font-semibold text-slate-900">{title}</h2>
      <div className="p-4">{children}</div>
    </section>
  );
}

function Figure({
  label,
  children,
  detail,
  testId,
}: {
  label: string;
  children: ReactNode;
  /** A small line under the figure. */
  detail?: string;
  testId: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <p className="text-xs text-slate-500">{label}</p>
      <p className="mt-1 text-lg font-semibold text-slate-900" data-testid={testId}>
        {children}
      </p>
      {detail ? <p className="text-xs text-slate-500">{detail}</p> : null}
    </div>
  );
}

function Orders({ client }: { client: ClientDetail }) {
  const { t } = useI18n();
  if (client.orders.length === 0) return <p className="text-sm text-slate-500">{t('clients.no_orders')}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm">
        <thead>
          <tr className="text-left text-xs text-slate-500 uppercase">
            <th className="px-2 pb-2 font-semibold">{t('orders.number')}</th>
            <th className="px-2 pb-2 font-semibold">{t('orders.status')}</th>
            <th className="px-2 pb-2 font-semibold">{t('orders.payment')}</th>
            <th className="px-2 pb-2 text-right font-semibold">{t('orders.total')}</th>
            <th className="px-2 pb-2 text-right font-semibold">{t('orders.returned_amount')}</th>
            <th className="px-2 pb-2 text-right font-semibold">{t('orders.balance')}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {client.orders.map((order) => (
            <tr key={order.id} data-testid={`client-order-${order.number}`}>
              <td className="px-2 py-2 whitespace-nowrap">
                <Link
                  href={`/commandes/${order.id}`}
                  className="font-medium text-emerald-800 hover:underline"
                >
                  {order.number}
                </Link>
                <p className="text-xs text-slate-500 tabular-nums">{formatDateTime(order.created_at)}</p>
              </td>
              <td className="px-2 py-2">
                <StatusBadge status={order.delivery_status} />
              </td>
              <td className="px-2 py-2">
                <PaymentBadge status={order.payment_status} />
              </td>
              <td className="px-2 py-2 text-right tabular-nums">{formatAmount(order.total_amount)}</td>
              <td className="px-2 py-2 text-right tabular-nums">
                {order.returned_amount > 0 ? formatAmount(order.returned_amount) : t('common.none')}
              </td>
              <td
                className={`px-2 py-2 text-right tabular-nums ${order.balance > 0 && order.delivery_status !== 'annulee' ? 'font-medium text-red-700' : ''}`}
              >
                {formatAmount(order.balance)}
                {order.credit > 0 ? (
                  <p className="text-xs font-medium text-emerald-700">
                    {t('orders.credit')} {formatAmount(order.credit)}
                  </p>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Payments({ client }: { client: ClientDetail }) {
  const { t } = useI18n();
  if (client.payments.length === 0) return <p className="text-sm text-slate-500">{t('orders.no_payment')}</p>;
  return (
    <ul className="divide-y divide-slate-100">
      {client.payments.map((payment) => (
        <li
          key={payment.id}
          className="flex items-center justify-between gap-3 py-2 text-sm"
          data-testid="client-payment"
        >
          <div>
            <p className="font-medium text-slate-900">
              {payment.kind === 'remboursement' ? `${t('orders.payment_refund')} · ` : ''}
              {t(`method.${payment.method}`)} ·{' '}
              <Link href={`/commandes/${payment.order_id}`} className="text-emerald-800 hover:underline">
                {payment.order_number}
              </Link>
            </p>
            <p className="text-xs text-slate-500">
              {formatDateTime(payment.created_at)}
              {payment.reference ? ` · ${payment.reference}` : ''}
            </p>
          </div>
          <span className="font-medium tabular-nums">{formatAmount(payment.amount)}</span>
        </li>
      ))}
    </ul>
  );
}

function Details({ client }: { client: ClientDetail }) {
  const { t } = useI18n();
  const rows: [string, ReactNode][] = [
    [t('clients.phone'), client.phone ?? t('common.none')],
    [t('clients.area'), client.area ?? t('common.none')],
    [t('clients.address'), client.address ?? t('common.none')],
    [
      t('clients.credit_limit'),
      client.credit_limit === null ? t('clients.no_limit') : formatAmount(client.credit_limit),
    ],
    [
      t('clients.created_by'),
      `${client.created_by_name ?? t('common.none')} · ${formatDateTime(client.created_at)}${client.device_id ? ` · ${t('clients.from_phone')}` : ''}`,
    ],
  ];
  return (
    <dl className="space-y-2.5 text-sm">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className="text-slate-900">{value}</dd>
        </div>
      ))}
      {client.notes ? (
        <div>
          <dt className="text-xs text-slate-500">{t('clients.notes')}</dt>
          <dd className="whitespace-pre-line text-slate-900">{client.notes}</dd>
        </div>
      ) : null}
    </dl>
  );
}

export function ClientDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const client = useQuery(clientQuery(id));
  const canWrite = useCan('clients.write');
  const canMerge = useCan('clients.merge');
  const canReadStatement = useCan('reports.read');
  const deactivate = useDeactivateClient();
  const reactivate = useUpdateClient();
  const [dialog, setDialog] = useState<'edit' | 'deactivate' | 'merge' | null>(null);
  useRealtimeInvalidation(
    ['notification:commande_', 'notification:paiement_', 'reconnected'],
    [clientKeys.detail(id)],
  );

  if (client.isPending) return <PageLoading />;
  if (client.isError) return <ErrorPanel error={client.error} onRetry={() => client.refetch()} />;
  const c = client.data;
  const isMerged = c.merged_into_id !== null;

  return (
    <>
      <div className="mb-5">
        <Link href="/clients" className="text-sm text-slate-500 hover:text-slate-800">
          ← {t('clients.title')}
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
          <div className="flex flex-wrap items-center gap-2.5">
            <h1 className="text-xl font-semibold tracking-tight text-slate-900">{c.name}</h1>
            <KindBadge kind={c.kind} />
            {c.is_active ? null : (
              <Badge tone="gray" dot>
                {isMerged ? t('clients.merged_badge') : t('common.inactive')}
              </Badge>
            )}
          </div>
          <div className="flex flex-wrap gap-2">
            {canWrite && !isMerged ? (
              <Button onClick={() => setDialog('edit')}>{t('common.edit')}</Button>
            ) : null}
            {canMerge && c.is_active ? (
              <Button onClick={() => setDialog('merge')}>{t('clients.merge.action')}</Button>
            ) : null}
            {canWrite && c.is_active ? (
              <Button
                variant="ghost"
                className="text-red-700 hover:bg-red-50"
                onClick={() => setDialog('deactivate')}
              >
                {t('clients.deactivate')}
              </Button>
            ) : null}
            {canWrite && !c.is_active && !isMerged ? (
              <Button
                variant="primary"
                isLoading={reactivate.isPending}
                onClick={() =>
                  reactivate.mutate(
                    { id: c.id, input: { is_active: true, version: c.version } },
                    { onSuccess: () => toast(t('clients.reactivated', { name: c.name })) },
                  )
                }
              >
                {t('clients.reactivate')}
              </Button>
            ) : null}
          </div>
        </div>
        {reactivate.error ? (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {reactivate.error.message}
          </p>
        ) : null}
      </div>

      {isMerged ? (
        <div
          role="status"
          data-testid="client-merged-into"
          className="mb-5 rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700"
        >
          {t('clients.merged_into')}{' '}
          <Link
            href={`/clients/${c.merged_into_id}`}
            className="font-medium text-emerald-800 hover:underline"
          >
            {t('clients.merged_into_link')}
          </Link>
        </div>
      ) : null}
      {isOverCreditLimit(c) ? (
        <div
          role="alert"
          data-testid="client-over-limit"
          className="mb-5 flex items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          <Icon name="warning" className="size-5 shrink-0" />
          {t('clients.over_limit', { limit: formatAmount(c.credit_limit) })}
        </div>
      ) : null}

      <div className="mb-5 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Figure label={t('clients.balance')} testId="client-balance">
          <ClientBalance client={c} />
        </Figure>
        <Figure
          label={t('clients.total_ordered')}
          testId="client-total"
          detail={
            c.returned_amount > 0
              ? `${t('orders.returned_amount')} : ${formatAmount(c.returned_amount)}`
              : undefined
          }
        >
          {formatAmount(c.total_amount)}
        </Figure>
        <Figure label={t('clients.total_paid')} testId="client-paid">
          {formatAmount(c.paid_amount)}
        </Figure>
        <Figure
          label={t('clients.last_order')}
          testId="client-last-order"
          detail={t('clients.order_count', { count: c.order_count })}
        >
          {c.last_order_at ? formatDate(c.last_order_at) : t('clients.never_ordered')}
        </Figure>
      </div>

      <div className="grid gap-5 lg:grid-cols-3">
        <div className="space-y-5 lg:col-span-2">
          <Card title={t('clients.orders')} testId="client-orders">
            <Orders client={c} />
          </Card>
          {canReadStatement ? (
            <Card title={t('clients.statement.title')} testId="client-statement">
              <ClientStatement clientId={c.id} clientName={c.name} />
            </Card>
          ) : null}
        </div>
        <div className="space-y-5">
          <Card title={t('clients.details')}>
            <Details client={c} />
          </Card>
          <Card title={t('orders.payments')} testId="client-payments">
            <Payments client={c} />
          </Card>
        </div>
      </div>

      {dialog === 'edit' ? (
        <ClientFormDialog key={c.version} client={c} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'merge' ? <MergeClientDialog client={c} onClose={() => setDialog(null)} /> : null}
      {dialog === 'deactivate' ? (
        <ConfirmMutationDialog
          title={t('clients.deactivate')}
          message={t('clients.deactivate_confirm', { name: c.name })}
          confirmLabel={t('clients.deactivate')}
          mutation={deactivate}
          variables={{ id: c.id, version: c.version }}
          successMessage={t('clients.deactivated', { name: c.name })}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </>
  );
}
