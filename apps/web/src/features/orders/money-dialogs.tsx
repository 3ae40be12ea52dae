import { type MoneyMethod, MoneyMethodSchema, type Order } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, SelectField, TextField } from '../../components/form.tsx';
import { ErrorPanel } from '../../components/states.tsx';
import { toast } from '../../components/toast.tsx';
import { formatAmount } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useApplyCredit, useRefund } from './mutations.ts';
import { creditTargetsQuery } from './queries.ts';

const amountOf = (text: string) => {
  const value = Number(text.replace(/\s/g, ''));
  return Number.isFinite(value) ? value : Number.NaN;
};

/**
 * What the order asks after its returns (nothing once cancelled), what was paid, and the credit:
 * the two dialogs' header. What it asks is the server's figures put back together (`balance −
 * credit = due − paid`), so the rule lives in one place (orderMoney).
 */
function CreditFigures({ order }: { order: Order }) {
  const { t } = useI18n();
  return (
    <dl className="grid grid-cols-3 gap-2 rounded-md bg-slate-50 p-3 text-sm">
      <div>
        <dt className="text-xs text-slate-500">{t('orders.due')}</dt>
        <dd className="font-medium tabular-nums">
          {formatAmount(order.paid_amount + order.balance - order.credit)}
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">{t('orders.paid')}</dt>
        <dd className="font-medium tabular-nums">{formatAmount(order.paid_amount)}</dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">{t('orders.credit')}</dt>
        <dd className="font-semibold text-emerald-700 tabular-nums">{formatAmount(order.credit)}</dd>
      </div>
    </dl>
  );
}

/** "Rembourser": money given back from the credit, with its method and reference. */
export function RefundDialog({ order, onClose }: { order: Order; onClose: () => void }) {
  const { t } = useI18n();
  const refund = useRefund();
  const [amount, setAmount] = useState(String(order.credit));
  const [method, setMethod] = useState<MoneyMethod>('especes');
  const [reference, setReference] = useState('');
  const submit = () => {
    const value = amountOf(amount);
    refund.mutate(
      { id: order.id, input: { amount: value, method, reference: reference.trim(), version: order.version } },
      {
        onSuccess: () => {
          toast(t('orders.refund_recorded', { amount: formatAmount(value) }));
          onClose();
        },
      },
    );
  };
  return (
    <Dialog
      open
      title={t('orders.refund_title', { number: order.number })}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={t('orders.refund')}
      isSubmitting={refund.isPending}
    >
      <CreditFigures order={order} />
      <FormError error={refund.error} />
      <TextField
        label={t('orders.amount')}
        name="amount"
        inputMode="numeric"
        value={amount}
        onChange={(event) => setAmount(event.target.value)}
        error={fieldError(refund.error, 'amount')}
      />
      <SelectField
        label={t('orders.method')}
        name="method"
        value={method}
        onChange={(event) => setMethod(event.target.value as MoneyMethod)}
        options={MoneyMethodSchema.options.map((option) => ({ value: option, label: t(`method.${option}`) }))}
        error={fieldError(refund.error, 'method')}
      />
      <TextField
        label={t('orders.refund_reference')}
        name="reference"
        value={reference}
        required
        onChange={(event) => setReference(event.target.value)}
        error={fieldError(refund.error, 'reference')}
      />
    </Dialog>
  );
}

/** "Appliquer l'avoir": the credit moved to another open order of the same client. */
export function ApplyCreditDialog({ order, onClose }: { order: Order; onClose: () => void }) {
  const { t } = useI18n();
  const apply = useApplyCredit();
  const targets = useQuery(creditTargetsQuery(order.id));
  const [targetId, setTargetId] = useState<string | null>(null);
  const [amount, setAmount] = useState<string | null>(null);
  const items = targets.data?.items ?? [];
  const target = items.find((item) => item.id === targetId) ?? items[0];
  const suggested = target ? Math.min(order.credit, target.balance) : order.credit;
  const submit = () => {
    if (!target) return;
    const value = amountOf(amount ?? String(suggested));
    apply.mutate(
      { id: order.id, input: { target_order_id: target.id, amount: value, version: order.version } },
      {
        onSuccess: () => {
          toast(t('orders.credit_applied', { amount: formatAmount(value), number: target.number }));
          onClose();
        },
      },
    );
  };
  return (
    <Dialog
      open
      title={t('orders.apply_credit_title', { number: order.number })}
      onClose={onClose}
      onSubmit={target ? submit : undefined}
      submitLabel={t('orders.apply_credit')}
      isSubmitting={apply.isPending}
    >
      <CreditFigures order={order} />
      <FormError error={apply.error} />
      {targets.isError ? <ErrorPanel error={targets.error} /> : null}
      {targets.isPending ? <p className="text-sm text-slate-500">{t('common.loading')}</p> : null}
      {targets.isSuccess && items.length === 0 ? (
        <p className="text-sm text-slate-600">{t('orders.no_credit_target')}</p>
      ) : null}
      {target ? (
        <>
          <SelectField
            label={t('orders.credit_target')}
            name="target_order_id"
            value={target.id}
            onChange={(event) => {
              setTargetId(event.target.value);
              setAmount(null);
            }}
            options={items.map((item) => ({
              value: item.id,
              label: t('orders.credit_target_option', {
                number: item.number,
                balance: formatAmount(item.balance),
              }),
            }))}
            error={fieldError(apply.error, 'target_order_id')}
          />
          <TextField
            label={t('orders.amount')}
            name="amount"
            inputMode="numeric"
            value={amount ?? String(suggested)}
            onChange={(event) => setAmount(event.target.value)}
            error={fieldError(apply.error, 'amount')}
          />
        </>
      ) : null}
    </Dialog>
  );
}
