import type { CreateOrderInput, Order, Priority, Product } from '@gapal/shared';
import { PrioritySchema } from '@gapal/shared';
import { useState } from 'react';
import { Link } from 'wouter';
import { Button } from '../../components/button.tsx';
import {
  FormError,
  fieldError,
  inputClass,
  SelectField,
  TextAreaField,
  TextField,
} from '../../components/form.tsx';
import { formatAmount } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { blankToNull } from '../../lib/validate.ts';
import { ProductPicker } from './product-picker.tsx';

/** A line being entered: the product as the order prices it (an edited order keeps its frozen prices). */
export type OrderLine = { product: Product; quantity: string };

type ClientFields = { name: string; phone: string; address: string; date: string; notes: string };

/** What the form sends: the order's own fields, all given (a new order adds its id and site). */
export type OrderFormValues = Required<
  Omit<CreateOrderInput, 'local_id' | 'site_id' | 'direct_sale' | 'client_id' | 'new_client'>
>;

/** The form's starting point for an existing order, its lines given with their products. */
export function orderFormStart(order: Order, lines: OrderLine[]) {
  return {
    lines,
    client: {
      name: order.client_name,
      phone: order.client_phone ?? '',
      address: order.delivery_address ?? '',
      date: order.delivery_date ?? '',
      notes: order.notes ?? '',
    },
    priority: order.priority,
  };
}

const EMPTY = {
  lines: [] as OrderLine[],
  client: { name: '', phone: '', address: '', date: '', notes: '' },
  priority: 'moyenne' as Priority,
};

/**
 * The order form of the dashboard, for a new order and for editing one while `nouvelle`: the
 * lines (picked by name or barcode, with the stock on hand shown), the client and the delivery.
 */
export function OrderForm({
  start = EMPTY,
  siteId,
  error,
  isPending,
  submitLabel,
  cancelHref,
  onSubmit,
}: {
  start?: ReturnType<typeof orderFormStart>;
  /** The order's site, whose stock the picker shows; by default the user's own. */
  siteId?: string | undefined;
  error: Error | null;
  isPending: boolean;
  submitLabel: string;
  cancelHref: string;
  onSubmit: (values: OrderFormValues) => void;
}) {
  const { t } = useI18n();
  const [lines, setLines] = useState<OrderLine[]>(start.lines);
  const [client, setClient] = useState<ClientFields>(start.client);
  const [priority, setPriority] = useState<Priority>(start.priority);

  const total = lines.reduce((sum, line) => sum + line.product.unit_price * (Number(line.quantity) || 0), 0);
  // A product that was on the order keeps the price it was ordered at, even when its line is
  // removed and picked again: the server prices it so.
  const orderedPrice = new Map(start.lines.map((line) => [line.product.id, line.product.unit_price]));
  const add = (picked: Product) => {
    const product = { ...picked, unit_price: orderedPrice.get(picked.id) ?? picked.unit_price };
    setLines((previous) =>
      previous.some((line) => line.product.id === product.id)
        ? previous.map((line) =>
            line.product.id === product.id
              ? { ...line, quantity: String((Number(line.quantity) || 0) + 1) }
              : line,
          )
        : [...previous, { product, quantity: '1' }],
    );
  };

  const submit = () =>
    onSubmit({
      client_name: client.name,
      client_phone: blankToNull(client.phone),
      delivery_address: blankToNull(client.address),
      delivery_date: client.date || null,
      priority,
      notes: blankToNull(client.notes),
      items: lines.map((line) => ({ product_id: line.product.id, quantity: Number(line.quantity) })),
    });

  const set = (key: keyof ClientFields) => (event: { target: { value: string } }) =>
    setClient((previous) => ({ ...previous, [key]: event.target.value }));

  return (
    <form
      noValidate
      className="grid gap-5 lg:grid-cols-3"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm lg:col-span-2">
        <ProductPicker onPick={add} siteId={siteId} />
        <table className="w-full text-sm" aria-label={t('orders.items')}>
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs text-slate-500 uppercase">
              <th className="py-2 font-semibold">{t('orders.product')}</th>
              <th className="py-2 text-right font-semibold">{t('orders.quantity')}</th>
              <th className="py-2 text-right font-semibold">{t('orders.unit_price')}</th>
              <th className="py-2 text-right font-semibold">{t('orders.subtotal')}</th>
              <th className="py-2">
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {lines.length === 0 ? (
              <tr>
                <td
                  colSpan={5}
                  className={`py-8 text-center ${fieldError(error, 'items') ? 'text-red-700' : 'text-slate-500'}`}
                >
                  {fieldError(error, 'items') ?? t('orders.no_items')}
                </td>
              </tr>
            ) : (
              lines.map((line, index) => {
                const quantity = Number(line.quantity) || 0;
                const isShort = quantity > line.product.stock_quantity;
                const lineError =
                  fieldError(error, `items.${index}.quantity`) ??
                  fieldError(error, `items.${index}.product_id`);
                return (
                  <tr key={line.product.id} data-testid="order-line">
                    <td className="py-2">
                      <p className="font-medium text-slate-900">{line.product.name}</p>
                      <p className={`text-xs ${isShort ? 'font-medium text-red-700' : 'text-slate-500'}`}>
                        {t('orders.available', { count: line.product.stock_quantity })}
                        {isShort ? ` — ${t('orders.shortage')}` : ''}
                      </p>
                      {lineError ? <p className="text-xs text-red-600">{lineError}</p> : null}
                    </td>
                    <td className="py-2 text-right">
                      <input
                        type="number"
                        min={1}
                        aria-label={`${t('orders.quantity')} — ${line.product.name}`}
                        className={inputClass('ml-auto w-24 text-right')}
                        value={line.quantity}
                        onChange={(event) =>
                          setLines(
                            lines.map((other) =>
                              other === line ? { ...other, quantity: event.target.value } : other,
                            ),
                          )
                        }
                      />
                    </td>
                    <td className="py-2 text-right tabular-nums">{formatAmount(line.product.unit_price)}</td>
                    <td className="py-2 text-right font-medium tabular-nums">
                      {formatAmount(line.product.unit_price * quantity)}
                    </td>
                    <td className="py-2 text-right">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={t('orders.remove', { name: line.product.name })}
                        onClick={() => setLines(lines.filter((other) => other !== line))}
                      >
                        ×
                      </Button>
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
          <tfoot>
            <tr className="border-t border-slate-200">
              <td colSpan={3} className="pt-3 text-right text-sm text-slate-500">
                {t('orders.total')}
              </td>
              <td
                className="pt-3 text-right text-lg font-semibold tabular-nums text-slate-900"
                data-testid="new-order-total"
              >
                {formatAmount(total)}
              </td>
              <td />
            </tr>
          </tfoot>
        </table>
      </section>

      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <FormError error={error} />
        <TextField
          label={t('orders.client')}
          name="client_name"
          value={client.name}
          onChange={set('name')}
          error={fieldError(error, 'client_name')}
        />
        <TextField
          label={t('orders.phone')}
          name="client_phone"
          inputMode="tel"
          placeholder="+226 70 12 34 56"
          value={client.phone}
          onChange={set('phone')}
          error={fieldError(error, 'client_phone')}
        />
        <TextField
          label={t('orders.address')}
          name="delivery_address"
          value={client.address}
          onChange={set('address')}
          error={fieldError(error, 'delivery_address')}
        />
        {/* Side by side only where the column leaves each its date or its word whole. */}
        <div className="grid gap-3 xl:grid-cols-2">
          <TextField
            label={t('orders.delivery_date')}
            name="delivery_date"
            type="date"
            value={client.date}
            onChange={set('date')}
            error={fieldError(error, 'delivery_date')}
          />
          <SelectField
            label={t('orders.priority')}
            name="priority"
            value={priority}
            onChange={(event) => setPriority(event.target.value as Priority)}
            options={PrioritySchema.options.map((option) => ({
              value: option,
              label: t(`priority.${option}`),
            }))}
          />
        </div>
        <TextAreaField
          label={t('orders.notes')}
          name="notes"
          rows={3}
          value={client.notes}
          onChange={set('notes')}
          error={fieldError(error, 'notes')}
        />
        <div className="flex justify-end gap-2 pt-2">
          <Link
            href={cancelHref}
            className="inline-flex h-9 items-center rounded-md px-3.5 text-sm font-medium text-slate-600 hover:bg-slate-100"
          >
            {t('common.cancel')}
          </Link>
          <Button type="submit" variant="primary" isLoading={isPending}>
            {submitLabel}
          </Button>
        </div>
      </section>
    </form>
  );
}
