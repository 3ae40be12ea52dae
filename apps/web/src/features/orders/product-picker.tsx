import type { Product } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { formatAmount } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { productsQuery } from '../products/queries.ts';

/**
 * Search by name, or scan: a barcode scanner types the code and Enter, which adds the product
 * whose barcode matches exactly without touching the mouse.
 */
export function ProductPicker({
  onPick,
  siteId,
}: {
  onPick: (product: Product) => void;
  /** Whose stock to show (an admin's order for another site); by default the user's own. */
  siteId?: string | undefined;
}) {
  const { t } = useI18n();
  const listId = useId();
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const search = useDebounced(text.trim(), 200);
  const results = useQuery({
    ...productsQuery({ search, is_active: 'true', limit: 8, ...(siteId ? { site_id: siteId } : {}) }),
    enabled: search.length > 0,
  });
  const items = search.length > 0 ? (results.data?.items ?? []) : [];

  const pick = (product: Product) => {
    onPick(product);
    setText('');
    setActive(0);
  };

  return (
    <div className="relative">
      <label htmlFor={`${listId}-input`} className="mb-1 block text-sm font-medium text-slate-700">
        {t('orders.pick_product')}
      </label>
      <div className="relative">
        <Icon name="search" className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-slate-400" />
        <input
          id={`${listId}-input`}
          role="combobox"
          aria-expanded={items.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          autoComplete="off"
          placeholder={t('orders.pick_placeholder')}
          className={inputClass('w-full pl-8')}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setActive(0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') setActive(Math.min(active + 1, items.length - 1));
            else if (event.key === 'ArrowUp') setActive(Math.max(active - 1, 0));
            else if (event.key === 'Enter') {
              event.preventDefault();
              const typed = text.trim();
              const byBarcode = items.find((product) => product.barcode === typed);
              const chosen = byBarcode ?? items[active];
              if (chosen && (byBarcode || search === typed)) pick(chosen);
            }
          }}
        />
      </div>
      {items.length > 0 ? (
        <div
          id={listId}
          role="listbox"
          aria-label={t('orders.pick_product')}
          className="absolute z-20 mt-1 max-h-72 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          {items.map((product, index) => (
            <div
              key={product.id}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              className={`flex cursor-pointer items-center justify-between px-3 py-2 text-sm ${index === active ? 'bg-emerald-50' : ''}`}
              onMouseDown={(event) => {
                event.preventDefault();
                pick(product);
              }}
              onMouseEnter={() => setActive(index)}
            >
              <span>
                <span className="font-medium text-slate-900">{product.name}</span>
                {product.barcode ? (
                  <span className="ml-2 text-xs text-slate-500">{product.barcode}</span>
                ) : null}
              </span>
              <span className="text-right text-xs">
                <span className="block font-medium tabular-nums">{formatAmount(product.unit_price)}</span>
                <span className={product.stock_quantity > 0 ? 'text-slate-500' : 'text-red-700'}>
                  {t('orders.available', { count: product.stock_quantity })}
                </span>
              </span>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
