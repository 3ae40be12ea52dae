import type { Product } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { ConfirmMutationDialog } from '../../components/dialog.tsx';
import { inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { ACTIONS_TD, ACTIONS_TH, TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { formatAmount, formatNumber } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { useCursorPages } from '../../lib/use-cursor-pages.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { LotsDialog } from './lots-dialog.tsx';
import { useDeactivateProduct } from './mutations.ts';
import { CategoriesDialog, ProductDialog } from './product-dialogs.tsx';
import { ProductStockBadge } from './product-stock-badge.tsx';
import { categoriesQuery, productKeys, productsQuery } from './queries.ts';

const PAGE_SIZE = 25;

export function ProductsPage() {
  const { t } = useI18n();
  const canWrite = useCan('catalog.write');
  const canReadStock = useCan('stock.read');
  const [search, setSearch] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [showInactive, setShowInactive] = useState(false);
  const pages = useCursorPages();
  const debounced = useDebounced(search.trim(), 250);
  const products = useQuery(
    productsQuery({
      ...(debounced ? { search: debounced } : {}),
      ...(categoryId ? { category_id: categoryId } : {}),
      ...(showInactive ? {} : { is_active: 'true' as const }),
      limit: PAGE_SIZE,
      ...(pages.cursor ? { cursor: pages.cursor } : {}),
    }),
  );
  const categories = useQuery(categoriesQuery());
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [lotsOf, setLotsOf] = useState<Product | null>(null);
  const [deactivating, setDeactivating] = useState<Product | null>(null);
  const [showCategories, setShowCategories] = useState(false);
  const deactivate = useDeactivateProduct();
  useRealtimeInvalidation(
    ['notification:stock_', 'notification:rupture_', 'notification:lot_'],
    [productKeys.all],
  );
  const columns = 9;

  return (
    <>
      <PageHeader
        title={t('products.title')}
        subtitle={t('products.subtitle')}
        actions={
          <>
            <Button onClick={() => setShowCategories(true)}>{t('products.categories')}</Button>
            {canWrite ? (
              <Button
                variant="primary"
                icon={<Icon name="plus" className="size-4" />}
                onClick={() => setEditing('new')}
              >
                {t('products.new')}
              </Button>
            ) : null}
          </>
        }
      />
      <TableCard
        toolbar={
          <div className="flex flex-wrap items-center gap-2">
            <div className="relative w-72">
              <Icon
                name="search"
                className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-slate-400"
              />
              <input
                type="search"
                aria-label={t('common.search')}
                placeholder={t('products.search_placeholder')}
                className={inputClass('w-full pl-8')}
                value={search}
                onChange={(event) => {
                  setSearch(event.target.value);
                  pages.reset();
                }}
              />
            </div>
            <select
              aria-label={t('products.category')}
              className={inputClass('w-52')}
              value={categoryId}
              onChange={(event) => {
                setCategoryId(event.target.value);
                pages.reset();
              }}
            >
              <option value="">{t('products.all_categories')}</option>
              {(categories.data ?? []).map((category) => (
                <option key={category.id} value={category.id}>
                  {category.name}
                </option>
              ))}
            </select>
            <label className="flex items-center gap-2 text-sm text-slate-600">
              <input
                type="checkbox"
                className="size-4 rounded border-slate-300 accent-emerald-700"
                checked={showInactive}
                onChange={(event) => {
                  setShowInactive(event.target.checked);
                  pages.reset();
                }}
              />
              {t('products.show_inactive')}
            </label>
          </div>
        }
        footer={
          <div className="flex justify-end gap-2">
            <Button size="sm" disabled={!pages.hasPrevious} onClick={pages.previous}>
              {t('common.previous')}
            </Button>
            <Button
              size="sm"
              disabled={!products.data?.next_cursor}
              onClick={() => pages.next(products.data?.next_cursor)}
            >
              {t('common.next')}
            </Button>
          </div>
        }
      >
        <thead>
          <tr>
            <Th>{t('products.name')}</Th>
            <Th>{t('products.category')}</Th>
            <Th className="text-right">{t('products.price_short')}</Th>
            <Th className="text-right">{t('products.stock')}</Th>
            <Th className="text-right">{t('products.threshold_short')}</Th>
            <Th className="text-right">{t('products.expiring')}</Th>
            <Th className="text-right">{t('products.expired')}</Th>
            <Th>{t('common.status')}</Th>
            <Th className={ACTIONS_TH}>
              <span className="sr-only">{t('common.actions')}</span>
            </Th>
          </tr>
        </thead>
        <tbody className={TBODY}>
          {products.isPending ? (
            <LoadingRows columns={columns} rows={8} />
          ) : products.isError ? (
            <ErrorRow columns={columns} error={products.error} onRetry={() => products.refetch()} />
          ) : products.data.items.length === 0 ? (
            <EmptyRow columns={columns}>{t('products.empty')}</EmptyRow>
          ) : (
            products.data.items.map((product) => (
              <tr key={product.id} data-testid={`product-row-${product.name}`} className="hover:bg-slate-50">
                <td className={TD}>
                  <p className="font-medium text-slate-900">{product.name}</p>
                  <p className="text-xs text-slate-500">
                    {product.unit}
                    {product.barcode ? ` · ${product.barcode}` : ''}
                  </p>
                </td>
                <td className={TD}>{product.category_name ?? t('common.none')}</td>
                <td className={`${TD} text-right tabular-nums`}>{formatAmount(product.unit_price)}</td>
                <td
                  className={`${TD} text-right font-semibold tabular-nums ${product.is_below_threshold ? 'text-amber-700' : 'text-slate-900'}`}
                  data-testid="product-stock"
                >
                  {formatNumber(product.stock_quantity)}
                </td>
                <td className={`${TD} text-right tabular-nums text-slate-500`}>
                  {formatNumber(product.min_stock_level)}
                </td>
                <td
                  className={`${TD} text-right tabular-nums ${product.expiring_quantity > 0 ? 'font-medium text-orange-700' : 'text-slate-500'}`}
                >
                  {formatNumber(product.expiring_quantity)}
                </td>
                <td
                  className={`${TD} text-right tabular-nums ${product.expired_quantity > 0 ? 'font-medium text-red-700' : 'text-slate-500'}`}
                >
                  {formatNumber(product.expired_quantity)}
                </td>
                <td className={TD}>
                  <ProductStockBadge product={product} />
                </td>
                <td className={ACTIONS_TD}>
                  {canReadStock ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setLotsOf(product)}
                      aria-label={`${t('products.lots')} — ${product.name}`}
                    >
                      {t('products.lots')}
                    </Button>
                  ) : null}
                  {canWrite ? (
                    <>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => setEditing(product)}
                        aria-label={`${t('common.edit')} ${product.name}`}
                      >
                        {t('common.edit')}
                      </Button>
                      {product.is_active ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          className="text-red-700 hover:bg-red-50"
                          onClick={() => setDeactivating(product)}
                          aria-label={`${t('products.deactivate')} ${product.name}`}
                        >
                          {t('products.deactivate')}
                        </Button>
                      ) : null}
                    </>
                  ) : null}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </TableCard>
      {editing ? (
        <ProductDialog product={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
      {lotsOf ? <LotsDialog product={lotsOf} onClose={() => setLotsOf(null)} /> : null}
      {showCategories ? (
        <CategoriesDialog canWrite={canWrite} onClose={() => setShowCategories(false)} />
      ) : null}
      {deactivating ? (
        <ConfirmMutationDialog
          title={t('products.deactivate')}
          message={t('products.deactivate_confirm', { name: deactivating.name })}
          confirmLabel={t('products.deactivate')}
          mutation={deactivate}
          variables={deactivating.id}
          successMessage={t('products.deactivated', { name: deactivating.name })}
          onClose={() => setDeactivating(null)}
        />
      ) : null}
    </>
  );
}
