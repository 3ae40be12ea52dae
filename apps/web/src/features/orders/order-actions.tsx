import {
  type DeliveryStatus,
  type MoneyMethod,
  MoneyMethodSchema,
  NEXT_STATUSES,
  type OrderSummary,
} from '@gapal/shared';
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, SelectField, TextField } from '../../components/form.tsx';
import { toast } from '../../components/toast.tsx';
import { formatAmount } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useChangeStatus, useRecordPayment } from './mutations.ts';

/** The forward move of the status machine (cancelling is a separate, confirmed action). */
export function nextForwardStatus(status: DeliveryStatus): DeliveryStatus | null {
  return NEXT_STATUSES[status].find((next) => next !== 'annulee') ?? null;
}

export function useStatusMove() {
  const { t } = useI18n();
  const change = useChangeStatus();
  const move = (order: Pick<OrderSummary, 'id' | 'number' | 'version'>, status: DeliveryStatus) =>
    change.mutate(
      { id: order.id, number: order.number, input: { status, version: order.version } },
      {
        onSuccess: () => toast(t('orders.moved', { number: order.number, status: t(`status.${status}`) })),
        onError: (error) => toast(error.message, 'error', 8000),
      },
    );
  return { move, change };
}

export function StatusQuickAction({ order, size = 'sm' }: { order: OrderSummary; size?: 'sm' | 'md' }) {
  const { t } = useI18n();
  const { move, change } = useStatusMove();
  const next = nextForwardStatus(order.delivery_status);
  if (!next) return null;
  return (
    <Button
      size={size}
      variant={size === 'md' ? 'primary' : 'secondary'}
      isLoading={change.isPending && change.variables?.id === order.id}
      onClick={() => move(order, next)}
      aria-label={`${t('orders.move_to', { status: t(`status.${next}`) })} — ${order.number}`}
    >
      {size === 'md' ? t('orders.move_to', { status: t(`status.${next}`) }) : `→ ${t(`status.${next}`)}`}
    </Button>
  );
}

export function PaymentDialog({ order, onClose }: { order: OrderSummary; onClose: () => void }) {
  const { t } = useI18n();
  const pay = useRecordPayment();
  const [amount, setAmount] = useState(String(order.balance));
  const [method, setMethod] = useState<MoneyMethod>('especes');
  const [reference, setReference] = useState('');
  const isMobile = method === 'orange_money' || method === 'moov_money';
  const submit = () => {
    const value = Number(amount.replace(/\s/g, ''));
    pay.mutate(
      {
        id: order.id,
        input: {
          amount: Number.isFinite(value) ? value : Number.NaN,
          method,
          reference: isMobile || reference.trim() ? reference.trim() || null : null,
          version: order.version,
        },
      },
      {
        onSuccess: () => {
          toast(t('orders.payment_recorded', { amount: formatAmount(value) }));
          onClose();
        },
      },
    );
  };
  return (
    <Dialog
      open
      title={t('orders.payment_title', { number: order.number })}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={t('orders.record_payment')}
      isSubmitting={pay.isPending}
    >
      <dl className="grid grid-cols-3 gap-2 rounded-md bg-slate-50 p-3 text-sm">
        <div>
          <dt className="text-xs text-slate-500">{t('orders.total')}</dt>
          <dd className="font-medium tabular-nums">{formatAmount(order.total_amount)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">{t('orders.paid')}</dt>
          <dd className="font-medium tabular-nums">{formatAmount(order.paid_amount)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">{t('orders.balance')}</dt>
          <dd className="font-semibold text-red-700 tabular-nums">{formatAmount(order.balance)}</dd>
        </div>
      </dl>
      <FormError error={pay.error} />
      <TextField
        label={t('orders.amount')}
        name="amount"
        inputMode="numeric"
        value={amount}
        onChange={(event) => setAmount(event.target.value)}
        error={fieldError(pay.error, 'amount')}
      />
      <SelectField
        label={t('orders.method')}
        name="method"
        value={method}
        onChange={(event) => setMethod(event.target.value as MoneyMethod)}
        options={MoneyMethodSchema.options.map((option) => ({
          value: option,
          label: t(`method.${option}`),
        }))}
        error={fieldError(pay.error, 'method')}
      />
      {isMobile ? (
        <TextField
          label={t('orders.reference')}
          name="reference"
          value={reference}
          placeholder="PP241121.1530.A12345"
          onChange={(event) => setReference(event.target.value)}
          error={fieldError(pay.error, 'reference')}
        />
      ) : null}
    </Dialog>
  );
}
