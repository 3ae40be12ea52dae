import type { AuditEntry, DeliveryStatus, Order } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'wouter';
import { Button } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { ErrorPanel, PageLoading } from '../../components/states.tsx';
import { formatAmount, formatDate, formatDateTime } from '../../lib/format.ts';
import { type Translate, useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { ApplyCreditDialog, RefundDialog } from './money-dialogs.tsx';
import { PaymentDialog, StatusQuickAction, useStatusMove } from './order-actions.tsx';
import { PaymentBadge, PriorityBadge, StatusBadge } from './order-badges.tsx';
import { orderHistoryQuery, orderKeys, orderQuery } from './queries.ts';
import { ReturnDialog } from './return-dialog.tsx';
import { VoiceNotes } from './voice-notes.tsx';

/** A link that looks like the secondary button beside it. */
const SECONDARY_LINK =
  'inline-flex h-9 items-center gap-2 rounded-md bg-white px-3.5 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50';

function Card({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
        {actions}
      </div>
      <div className="p-4">{children}</div>
    </section>
  );
}

/** One line of the order's audit trail, in words rather than action codes. */
function describeEntry(entry: AuditEntry, t: Translate): string {
  const after = (entry.after ?? {}) as {
    delivery_status?: DeliveryStatus;
    payment?: { amount?: number };
    reason?: string;
  };
  switch (entry.action) {
    case 'order.create':
      return t('history.create');
    case 'order.status':
      return after.delivery_status
        ? t('history.status', { status: t(`status.${after.delivery_status}`) })
        : entry.action;
    case 'order.cancel':
      return t('history.cancel');
    case 'order.payment':
      return t('history.payment', { amount: formatAmount(after.payment?.amount ?? null) });
    case 'order.return':
      return t('history.return', { reason: after.reason ?? '' });
    case 'order.refund':
      return t('history.refund', { amount: formatAmount(-(after.payment?.amount ?? 0)) });
    case 'order.credit_out':
      return t('history.credit_out', { amount: formatAmount(-(after.payment?.amount ?? 0)) });
    case 'order.credit_in':
      return t('history.credit_in', { amount: formatAmount(after.payment?.amount ?? null) });
    case 'order.update':
      return t('history.update');
    case 'voice_note.create':
      return t('history.voice_note');
    default:
      return entry.action;
  }
}

/** A payment row by its kind: a refund with its method, a credit moved with the other order's link. */
function PaymentLabel({ payment }: { payment: Order['payments'][number] }) {
  const { t } = useI18n();
  const other = payment.linked_order_id ? (
    <Link href={`/commandes/${payment.linked_order_id}`} className="text-emerald-700 hover:underline">
      {payment.linked_order_number}
    </Link>
  ) : null;
  switch (payment.kind) {
    case 'remboursement':
      return (
        <>
          {t('orders.payment_refund')} · {t(`method.${payment.method}`)}
        </>
      );
    case 'avoir_sortant':
      return (
        <>
          {other ? t('orders.payment_credit_out', { number: '' }) : t('method.avoir')}
          {other}
        </>
      );
    case 'avoir_entrant':
      return (
        <>
          {other ? t('orders.payment_credit_in', { number: '' }) : t('method.avoir')}
          {other}
        </>
      );
    default:
      return <>{t(`method.${payment.method}`)}</>;
  }
}

function History({ order }: { order: Order }) {
  const { t } = useI18n();
  const history = useQuery(orderHistoryQuery(order.id));
  if (history.isPending) return <p className="text-sm text-slate-500">{t('common.loading')}</p>;
  if (history.isError) return <ErrorPanel error={history.error} />;
  return (
    <ol className="space-y-3">
      {history.data.items.map((entry) => (
        <li key={entry.id} className="flex gap-3 text-sm" data-testid="order-history-entry">
          <span className="mt-1.5 size-2 shrink-0 rounded-full bg-emerald-500" aria-hidden="true" />
          <div>
            <p className="text-slate-800">{describeEntry(entry, t)}</p>
            <p className="text-xs text-slate-500">
              {formatDateTime(entry.at)} · {entry.username ?? t('audit.system')}
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}

export function OrderDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const order = useQuery(orderQuery(id));
  const canManage = useCan('orders.manage');
  const canEdit = useCan('orders.create');
  const canReadAudit = useCan('audit.read');
  const canReadClients = useCan('clients.read');
  const [dialog, setDialog] = useState<'pay' | 'return' | 'cancel' | 'refund' | 'credit' | null>(null);
  const { move, change } = useStatusMove();
  useRealtimeInvalidation(
    ['notification:commande_', 'notification:paiement_', 'reconnected'],
    [orderKeys.detail(id)],
  );

  if (order.isPending) {
    return <PageLoading />;
  }
  if (order.isError) return <ErrorPanel error={order.error} onRetry={() => order.refetch()} />;
  const o = order.data;
  const canCancel = canManage && o.next_statuses.includes('annulee');

  return (
    <>
      <div className="mb-5">
        <Link href="/commandes" className="text-sm text-slate-500 hover:text-slate-800">
          ← {t('orders.title')}
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
          <div className="flex flex-wrap items-center gap-2.5">
            <h1 className="text-xl font-semibold tracking-tight text-slate-900">{o.number}</h1>
            <StatusBadge status={o.delivery_status} />
            <PaymentBadge status={o.payment_status} />
            <PriorityBadge priority={o.priority} />
          </div>
          <div className="flex flex-wrap gap-2">
            <Link href={`/commandes/${o.id}/bon`} className={SECONDARY_LINK}>
              <Icon name="print" className="size-4" />
              {t('orders.delivery_note')}
            </Link>
            {canEdit && o.delivery_status === 'nouvelle' ? (
              <Link href={`/commandes/${o.id}/modifier`} className={SECONDARY_LINK}>
                {t('orders.edit')}
              </Link>
            ) : null}
            {canManage && o.delivery_status === 'livree' ? (
              <Button onClick={() => setDialog('return')}>{t('orders.return_goods')}</Button>
            ) : null}
            {canCancel ? (
              <Button
                variant="ghost"
                className="text-red-700 hover:bg-red-50"
                onClick={() => setDialog('cancel')}
              >
                {t('orders.cancel')}
              </Button>
            ) : null}
            {canManage && o.balance > 0 && o.delivery_status !== 'annulee' ? (
              <Button onClick={() => setDialog('pay')} icon={<Icon name="money" className="size-4" />}>
                {t('orders.record_payment')}
              </Button>
            ) : null}
            {canManage && o.credit > 0 ? (
              <>
                <Button onClick={() => setDialog('refund')}>{t('orders.refund')}</Button>
                <Button onClick={() => setDialog('credit')}>{t('orders.apply_credit')}</Button>
              </>
            ) : null}
            {canManage ? <StatusQuickAction order={o} size="md" /> : null}
          </div>
        </div>
      </div>

      <div className="grid gap-5 lg:grid-cols-3">
        <div className="space-y-5 lg:col-span-2">
          <Card title={t('orders.items')}>
            <table className="w-full text-sm">
              <thead>
                <tr className="text-left text-xs text-slate-500 uppercase">
                  <th className="pb-2 font-semibold">{t('orders.product')}</th>
                  <th className="pb-2 text-right font-semibold">{t('orders.quantity')}</th>
                  <th className="pb-2 text-right font-semibold">{t('orders.unit_price')}</th>
                  <th className="pb-2 text-right font-semibold">{t('orders.subtotal')}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {o.items.map((item) => (
                  <tr key={item.id}>
                    <td className="py-2 text-slate-900">
                      {item.product_name}
                      {item.returned_quantity > 0 ? (
                        <span className="ml-2 text-xs text-amber-700">
                          {t('orders.returned')} : {item.returned_quantity}
                        </span>
                      ) : null}
                    </td>
                    <td className="py-2 text-right tabular-nums">{item.quantity}</td>
                    <td className="py-2 text-right tabular-nums">{formatAmount(item.unit_price)}</td>
                    <td className="py-2 text-right font-medium tabular-nums">
                      {formatAmount(item.subtotal)}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot className="border-t border-slate-200 text-sm">
                <tr>
                  <td colSpan={3} className="pt-3 text-right text-slate-500">
                    {t('orders.total')}
                  </td>
                  <td
                    className="pt-3 text-right text-base font-semibold tabular-nums"
                    data-testid="order-total"
                  >
                    {formatAmount(o.total_amount)}
                  </td>
                </tr>
                {o.returned_amount > 0 ? (
                  <tr>
                    <td colSpan={3} className="pt-1 text-right text-slate-500">
                      {t('orders.returned_amount')}
                    </td>
                    <td className="pt-1 text-right tabular-nums" data-testid="order-returned">
                      − {formatAmount(o.returned_amount)}
                    </td>
                  </tr>
                ) : null}
                <tr>
                  <td colSpan={3} className="pt-1 text-right text-slate-500">
                    {t('orders.paid')}
                  </td>
                  <td className="pt-1 text-right tabular-nums" data-testid="order-paid">
                    {formatAmount(o.paid_amount)}
                  </td>
                </tr>
                <tr>
                  <td colSpan={3} className="pt-1 text-right text-slate-500">
                    {t('orders.balance')}
                  </td>
                  <td
                    className={`pt-1 text-right font-semibold tabular-nums ${o.balance > 0 ? 'text-red-700' : 'text-emerald-700'}`}
                    data-testid="order-balance"
                  >
                    {formatAmount(o.balance)}
                  </td>
                </tr>
                {o.credit > 0 ? (
                  <tr>
                    <td colSpan={3} className="pt-1 text-right text-slate-500">
                      {t('orders.credit')}
                    </td>
                    <td
                      className="pt-1 text-right font-semibold text-emerald-700 tabular-nums"
                      data-testid="order-credit"
                    >
                      {formatAmount(o.credit)}
                    </td>
                  </tr>
                ) : null}
              </tfoot>
            </table>
          </Card>

          <Card title={t('orders.payments')}>
            {o.payments.length === 0 ? (
              <p className="text-sm text-slate-500">{t('orders.no_payment')}</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {o.payments.map((payment) => (
                  <li
                    key={payment.id}
                    className="flex items-center justify-between py-2 text-sm"
                    data-testid="order-payment"
                  >
                    <div>
                      <p className="font-medium text-slate-900">
                        <PaymentLabel payment={payment} />
                      </p>
                      <p className="text-xs text-slate-500">
                        {formatDateTime(payment.created_at)}
                        {payment.reference ? ` · ${payment.reference}` : ''}
                      </p>
                      <p className="text-xs text-slate-500" data-testid="payment-recorder">
                        {t('orders.payment_recorded_by', { name: payment.recorded_by_name ?? '—' })}
                        {payment.device_name
                          ? ` ${t('orders.payment_device', { device: payment.device_name })}`
                          : ''}
                      </p>
                    </div>
                    <span className="font-medium tabular-nums">{formatAmount(payment.amount)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>

          {o.voice_notes.length > 0 ? (
            <Card title={t('orders.voice_note')}>
              <VoiceNotes notes={o.voice_notes} />
            </Card>
          ) : null}

          {o.returns.length > 0 ? (
            <Card title={t('orders.returns')}>
              <ul className="space-y-2 text-sm">
                {o.returns.map((entry) => (
                  <li key={entry.id}>
                    <p className="text-slate-900">{entry.reason}</p>
                    <p className="text-xs text-slate-500">
                      {formatDateTime(entry.created_at)} ·{' '}
                      {entry.items
                        .map(
                          (item) =>
                            `${o.items.find((line) => line.id === item.item_id)?.product_name ?? ''} × ${item.quantity}`,
                        )
                        .join(', ')}
                    </p>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>

        <div className="space-y-5">
          <Card title={t('orders.client')}>
            <dl className="space-y-2.5 text-sm">
              <div>
                <dt className="text-xs text-slate-500">{t('orders.client')}</dt>
                <dd className="font-medium text-slate-900">
                  {o.client_id && canReadClients ? (
                    <Link href={`/clients/${o.client_id}`} className="text-emerald-800 hover:underline">
                      {o.client_name}
                    </Link>
                  ) : (
                    o.client_name
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">{t('orders.phone')}</dt>
                <dd>{o.client_phone ?? t('common.none')}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">{t('orders.address')}</dt>
                <dd>{o.delivery_address ?? t('common.none')}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">{t('orders.delivery_date')}</dt>
                <dd>{formatDate(o.delivery_date)}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">{t('orders.created_by')}</dt>
                <dd>
                  {o.created_by_name ?? t('common.none')} · {formatDateTime(o.created_at)}
                </dd>
              </div>
              {o.notes ? (
                <div>
                  <dt className="text-xs text-slate-500">{t('orders.notes')}</dt>
                  <dd className="whitespace-pre-line">{o.notes}</dd>
                </div>
              ) : null}
            </dl>
          </Card>
          {canReadAudit ? (
            <Card title={t('orders.history')}>
              <History order={o} />
            </Card>
          ) : null}
        </div>
      </div>

      {dialog === 'pay' ? <PaymentDialog order={o} onClose={() => setDialog(null)} /> : null}
      {dialog === 'return' ? <ReturnDialog order={o} onClose={() => setDialog(null)} /> : null}
      {dialog === 'refund' ? <RefundDialog order={o} onClose={() => setDialog(null)} /> : null}
      {dialog === 'credit' ? <ApplyCreditDialog order={o} onClose={() => setDialog(null)} /> : null}
      {dialog === 'cancel' ? (
        <ConfirmDialog
          title={t('orders.cancel')}
          message={`${o.number} — ${o.client_name}`}
          confirmLabel={t('orders.cancel')}
          isPending={change.isPending}
          error={change.error}
          onClose={() => setDialog(null)}
          onConfirm={() => {
            move(o, 'annulee');
            setDialog(null);
          }}
        />
      ) : null}
    </>
  );
}
