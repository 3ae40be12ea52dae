import type { Product } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { FormError, fieldError, SelectField, TextField } from '../../components/form.tsx';
import { toast } from '../../components/toast.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { blankToNull } from '../../lib/validate.ts';
import { useCreateCategory, useCreateProduct, useUpdateProduct } from './mutations.ts';
import { categoriesQuery } from './queries.ts';

function toInt(value: string): number {
  const trimmed = value.replace(/\s/g, '');
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

export function ProductDialog({ product, onClose }: { product: Product | null; onClose: () => void }) {
  const { t } = useI18n();
  const create = useCreateProduct();
  const update = useUpdateProduct();
  const mutation = product ? update : create;
  const categories = useQuery(categoriesQuery());
  const [form, setForm] = useState({
    name: product?.name ?? '',
    category_id: product?.category_id ?? '',
    unit: product?.unit ?? 'pot',
    unit_price: product ? String(product.unit_price) : '',
    barcode: product?.barcode ?? '',
    min_stock_level: product ? String(product.min_stock_level) : '0',
    shelf_life_days: product?.shelf_life_days ? String(product.shelf_life_days) : '',
  });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((previous) => ({ ...previous, [key]: event.target.value }));
  const submit = () => {
    const input = {
      name: form.name,
      category_id: form.category_id || null,
      unit: form.unit,
      unit_price: toInt(form.unit_price),
      barcode: blankToNull(form.barcode),
      min_stock_level: toInt(form.min_stock_level),
      shelf_life_days: form.shelf_life_days.trim() ? toInt(form.shelf_life_days) : null,
    };
    const done = {
      onSuccess: () => {
        toast(product ? t('common.saved') : t('products.created', { name: form.name }));
        onClose();
      },
    };
    if (product) update.mutate({ id: product.id, input }, done);
    else create.mutate(input, done);
  };
  const error = mutation.error;
  return (
    <Dialog
      open
      size="lg"
      title={product ? t('products.edit') : t('products.new')}
      onClose={onClose}
      onSubmit={submit}
      isSubmitting={mutation.isPending}
      submitLabel={product ? t('common.save') : t('common.create')}
    >
      <FormError error={error} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          className="sm:col-span-2"
          label={t('products.name')}
          name="name"
          value={form.name}
          onChange={set('name')}
          error={fieldError(error, 'name')}
        />
        <SelectField
          label={t('products.category')}
          name="category_id"
          value={form.category_id}
          onChange={set('category_id')}
          error={fieldError(error, 'category_id')}
          options={[
            { value: '', label: t('products.no_category') },
            ...(categories.data ?? []).map((category) => ({ value: category.id, label: category.name })),
          ]}
        />
        <TextField
          label={t('products.unit')}
          name="unit"
          value={form.unit}
          onChange={set('unit')}
          error={fieldError(error, 'unit')}
        />
        <TextField
          label={t('products.price')}
          name="unit_price"
          inputMode="numeric"
          value={form.unit_price}
          onChange={set('unit_price')}
          error={fieldError(error, 'unit_price')}
        />
        <TextField
          label={t('products.barcode')}
          name="barcode"
          value={form.barcode}
          onChange={set('barcode')}
          error={fieldError(error, 'barcode')}
        />
        <TextField
          label={t('products.threshold')}
          name="min_stock_level"
          inputMode="numeric"
          value={form.min_stock_level}
          onChange={set('min_stock_level')}
          error={fieldError(error, 'min_stock_level')}
        />
        <TextField
          label={t('products.shelf_life')}
          name="shelf_life_days"
          inputMode="numeric"
          value={form.shelf_life_days}
          onChange={set('shelf_life_days')}
          error={fieldError(error, 'shelf_life_days')}
        />
      </div>
    </Dialog>
  );
}

export function CategoriesDialog({ canWrite, onClose }: { canWrite: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const categories = useQuery(categoriesQuery());
  const create = useCreateCategory();
  const [name, setName] = useState('');
  return (
    <Dialog
      open
      title={t('products.categories')}
      onClose={onClose}
      {...(canWrite
        ? {
            submitLabel: t('products.new_category'),
            isSubmitting: create.isPending,
            onSubmit: () =>
              create.mutate(
                { name },
                {
                  onSuccess: () => {
                    toast(t('products.category_created', { name }));
                    setName('');
                  },
                },
              ),
          }
        : {})}
    >
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
        {(categories.data ?? []).map((category) => (
          <li key={category.id} className="px-3 py-2 text-sm">
            {category.name}
          </li>
        ))}
        {categories.data?.length === 0 ? (
          <li className="px-3 py-4 text-center text-sm text-slate-500">{t('common.empty')}</li>
        ) : null}
      </ul>
      {canWrite ? (
        <TextField
          label={t('products.new_category')}
          name="category_name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={
            fieldError(create.error, 'name') ??
            (create.error && !fieldError(create.error, 'name') ? create.error.message : undefined)
          }
        />
      ) : null}
    </Dialog>
  );
}
