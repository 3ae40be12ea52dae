import type { Product } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, inputClass, SelectField, TextField } from '../../components/form.tsx';
import { toast } from '../../components/toast.tsx';
import { addDays, formatDate, todayIso } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { blankToNull } from '../../lib/validate.ts';
import { productLotsQuery, productsQuery } from '../products/queries.ts';
import { useStockAdjustment, useStockEntry, useStockExit } from './mutations.ts';

function useActiveProducts() {
  return useQuery(productsQuery({ is_active: 'true', limit: 200 }));
}

function ProductSelect({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (product: Product | undefined) => void;
  error?: string | undefined;
}) {
  const { t } = useI18n();
  const products = useActiveProducts();
  const items = products.data?.items ?? [];
  return (
    <SelectField
      label={t('orders.product')}
      name="product_id"
      value={value}
      error={error}
      onChange={(event) => onChange(items.find((product) => product.id === event.target.value))}
      options={[
        { value: '', label: t('stock.choose_product') },
        ...items.map((product) => ({
          value: product.id,
          label: `${product.name} (${product.stock_quantity} ${product.unit})`,
        })),
      ]}
    />
  );
}

/** Goods received: the expiry is proposed from the product's shelf life and stays editable. */
export function StockEntryDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const entry = useStockEntry();
  const [product, setProduct] = useState<Product | undefined>();
  const [form, setForm] = useState({
    quantity: '',
    lot_code: '',
    expiry_date: '',
    reference: '',
    reason: '',
  });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((previous) => ({ ...previous, [key]: event.target.value }));
  const error = entry.error;
  return (
    <Dialog
      open
      size="lg"
      title={t('stock.entry')}
      onClose={onClose}
      isSubmitting={entry.isPending}
      onSubmit={() =>
        entry.mutate(
          {
            reference: blankToNull(form.reference),
            reason: blankToNull(form.reason),
            items: [
              {
                product_id: product?.id ?? '',
                quantity: Number(form.quantity),
                ...(form.lot_code.trim() ? { lot_code: form.lot_code.trim() } : {}),
                ...(form.expiry_date ? { expiry_date: form.expiry_date } : {}),
              },
            ],
          },
          {
            onSuccess: () => {
              toast(t('stock.recorded'));
              onClose();
            },
          },
        )
      }
    >
      <FormError error={error} />
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <ProductSelect
            value={product?.id ?? ''}
            error={fieldError(error, 'items.0.product_id')}
            onChange={(next) => {
              setProduct(next);
              setForm((previous) => ({
                ...previous,
                expiry_date: next?.shelf_life_days
                  ? addDays(todayIso(), next.shelf_life_days)
                  : previous.expiry_date,
              }));
            }}
          />
        </div>
        <TextField
          label={t('stock.quantity')}
          name="quantity"
          type="number"
          min={1}
          value={form.quantity}
          onChange={set('quantity')}
          error={fieldError(error, 'items.0.quantity')}
        />
        <TextField
          label={t('stock.lot_code')}
          name="lot_code"
          placeholder="LOT-…"
          value={form.lot_code}
          onChange={set('lot_code')}
          error={fieldError(error, 'items.0.lot_code')}
        />
        <TextField
          label={t('stock.expiry_date')}
          name="expiry_date"
          type="date"
          value={form.expiry_date}
          onChange={set('expiry_date')}
          error={fieldError(error, 'items.0.expiry_date')}
          hint={
            product?.shelf_life_days ? `${t('stock.expiry_hint')} (${product.shelf_life_days} j)` : undefined
          }
        />
        <TextField
          label={t('stock.reference')}
          name="reference"
          placeholder={t('stock.reference_hint')}
          value={form.reference}
          onChange={set('reference')}
          error={fieldError(error, 'reference')}
        />
        <TextField
          className="sm:col-span-2"
          label={t('stock.reason')}
          name="reason"
          value={form.reason}
          onChange={set('reason')}
          error={fieldError(error, 'reason')}
        />
      </div>
    </Dialog>
  );
}

export function StockExitDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const exit = useStockExit();
  const [product, setProduct] = useState<Product | undefined>();
  const lots = useQuery({ ...productLotsQuery(product?.id ?? ''), enabled: Boolean(product) });
  const [form, setForm] = useState({ quantity: '', lot_id: '', reference: '', reason: '' });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((previous) => ({ ...previous, [key]: event.target.value }));
  const error = exit.error;
  return (
    <Dialog
      open
      title={t('stock.exit')}
      onClose={onClose}
      isSubmitting={exit.isPending}
      onSubmit={() =>
        exit.mutate(
          {
            reason: form.reason,
            reference: blankToNull(form.reference),
            items: [
              {
                product_id: product?.id ?? '',
                quantity: Number(form.quantity),
                ...(form.lot_id ? { lot_id: form.lot_id } : {}),
              },
            ],
          },
          {
            onSuccess: () => {
              toast(t('stock.recorded'));
              onClose();
            },
          },
        )
      }
    >
      <FormError error={error} />
      <ProductSelect
        value={product?.id ?? ''}
        onChange={setProduct}
        error={fieldError(error, 'items.0.product_id')}
      />
      <TextField
        label={t('stock.quantity')}
        name="quantity"
        type="number"
        min={1}
        value={form.quantity}
        onChange={set('quantity')}
        error={fieldError(error, 'items.0.quantity')}
      />
      <SelectField
        label={t('stock.lot')}
        name="lot_id"
        value={form.lot_id}
        onChange={set('lot_id')}
        options={[
          { value: '', label: t('stock.fefo') },
          ...(lots.data ?? []).map((lot) => ({
            value: lot.id,
            label: `${lot.code} — ${formatDate(lot.expiry_date)} (${lot.quantity})`,
          })),
        ]}
      />
      <TextField
        label={t('stock.reason')}
        name="reason"
        value={form.reason}
        onChange={set('reason')}
        error={fieldError(error, 'reason')}
      />
      <TextField
        label={t('stock.reference')}
        name="reference"
        value={form.reference}
        onChange={set('reference')}
        error={fieldError(error, 'reference')}
      />
    </Dialog>
  );
}

/** Inventory count: the counted quantity per lot; the server records the difference. */
export function StockAdjustmentDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const adjust = useStockAdjustment();
  const [product, setProduct] = useState<Product | undefined>();
  const lots = useQuery({ ...productLotsQuery(product?.id ?? ''), enabled: Boolean(product) });
  const [counted, setCounted] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('Inventaire');
  const error = adjust.error;
  return (
    <Dialog
      open
      size="lg"
      title={t('stock.adjustment')}
      onClose={onClose}
      isSubmitting={adjust.isPending}
      onSubmit={() =>
        adjust.mutate(
          {
            reason,
            items: Object.entries(counted)
              .filter(([, value]) => value.trim() !== '')
              .map(([lot_id, value]) => ({ lot_id, counted_quantity: Number(value) })),
          },
          {
            onSuccess: () => {
              toast(t('stock.recorded'));
              onClose();
            },
          },
        )
      }
    >
      <FormError error={error} />
      <ProductSelect
        value={product?.id ?? ''}
        onChange={(next) => {
          setProduct(next);
          setCounted({});
        }}
      />
      {product ? (
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs text-slate-500 uppercase">
              <th className="pb-2 font-semibold">{t('lots.code')}</th>
              <th className="pb-2 font-semibold">{t('lots.expiry')}</th>
              <th className="pb-2 text-right font-semibold">{t('lots.quantity')}</th>
              <th className="pb-2 text-right font-semibold">{t('stock.counted')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {(lots.data ?? []).map((lot) => (
              <tr key={lot.id}>
                <td className="py-2 font-mono text-xs">{lot.code}</td>
                <td className="py-2">{formatDate(lot.expiry_date)}</td>
                <td className="py-2 text-right tabular-nums">{lot.quantity}</td>
                <td className="py-2 text-right">
                  <input
                    type="number"
                    min={0}
                    aria-label={`${t('stock.counted')} — ${lot.code}`}
                    className={inputClass('ml-auto w-24 text-right')}
                    value={counted[lot.id] ?? ''}
                    onChange={(event) => setCounted({ ...counted, [lot.id]: event.target.value })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <TextField
        label={t('stock.reason')}
        name="reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={fieldError(error, 'reason') ?? fieldError(error, 'items')}
      />
    </Dialog>
  );
}
