import type { Order } from '@gapal/shared';
import { useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, inputClass, TextField } from '../../components/form.tsx';
import { toast } from '../../components/toast.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { useReturnItems } from './mutations.ts';

export function ReturnDialog({ order, onClose }: { order: Order; onClose: () => void }) {
  const { t } = useI18n();
  const returnItems = useReturnItems();
  const [reason, setReason] = useState('');
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const submit = () => {
    const items = order.items
      .map((item) => ({ item_id: item.id, quantity: Number(quantities[item.id] ?? 0) }))
      .filter((item) => item.quantity > 0);
    returnItems.mutate(
      { id: order.id, input: { reason, items, version: order.version } },
      {
        onSuccess: () => {
          toast(t('orders.return_recorded'));
          onClose();
        },
      },
    );
  };
  return (
    <Dialog
      open
      size="lg"
      title={`${t('orders.return_goods')} — ${order.number}`}
      onClose={onClose}
      onSubmit={submit}
      isSubmitting={returnItems.isPending}
    >
      <FormError error={returnItems.error} />
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-xs text-slate-500 uppercase">
            <th className="py-1 font-semibold">{t('orders.product')}</th>
            <th className="py-1 text-right font-semibold">{t('orders.quantity')}</th>
            <th className="py-1 text-right font-semibold">{t('orders.returned')}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {order.items.map((item) => (
            <tr key={item.id}>
              <td className="py-2">{item.product_name}</td>
              <td className="py-2 text-right tabular-nums">{item.quantity - item.returned_quantity}</td>
              <td className="py-2 text-right">
                <input
                  type="number"
                  min={0}
                  max={item.quantity - item.returned_quantity}
                  aria-label={`${t('orders.returned')} — ${item.product_name}`}
                  className={inputClass('ml-auto w-24 text-right')}
                  value={quantities[item.id] ?? ''}
                  onChange={(event) => setQuantities({ ...quantities, [item.id]: event.target.value })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <TextField
        label={t('orders.return_reason')}
        name="reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={fieldError(returnItems.error, 'reason') ?? fieldError(returnItems.error, 'items')}
      />
    </Dialog>
  );
}
