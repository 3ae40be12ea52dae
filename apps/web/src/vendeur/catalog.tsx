import type { SyncProduct } from '@gapal/shared';
import { useCallback, useState } from 'react';
import { Icon } from '../components/icons.tsx';
import { BarcodeScanner, canScan } from './barcode.tsx';
import { filterProducts, useCatalog } from './catalog-data.ts';
import { knownStockLabel } from './stock-warning.ts';
import { useSyncState } from './sync.ts';
import { inputClass, money } from './ui.tsx';

export function CatalogScreen() {
  return (
    <section className="space-y-3">
      <h1 className="text-2xl font-black">Catalogue</h1>
      <ProductPicker />
    </section>
  );
}

/**
 * Search, category chips, scan; `renderAction` adds the order step's + / − to each row and
 * `renderNote` a line under it (the stock warning).
 */
export function ProductPicker({
  renderAction,
  renderNote,
}: {
  renderAction?: (product: SyncProduct) => React.ReactNode;
  renderNote?: (product: SyncProduct) => React.ReactNode;
}) {
  const catalog = useCatalog();
  // The stock is the depot's as of the last complete sync: said with its time.
  const { lastSyncAt } = useSyncState();
  const [search, setSearch] = useState('');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const onCode = useCallback((code: string) => {
    setSearch(code);
    setScanning(false);
  }, []);
  if (!catalog) return <p className="text-lg">Chargement…</p>;
  const products = filterProducts(catalog.products, search, categoryId);
  return (
    <div className="space-y-3">
      <div className="flex gap-2">
        <input
          type="search"
          aria-label="Rechercher un produit ou taper un code-barres"
          placeholder="Rechercher ou code-barres"
          className={inputClass}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        {canScan() ? (
          <button
            type="button"
            aria-label="Scanner un code-barres"
            onClick={() => setScanning(true)}
            className="min-h-12 min-w-12 rounded-xl border-2 border-black text-xl"
          >
            <Icon name="camera" className="mx-auto size-7" />
          </button>
        ) : null}
      </div>
      {scanning ? <BarcodeScanner onCode={onCode} onClose={() => setScanning(false)} /> : null}
      <div className="-mx-3 flex gap-2 overflow-x-auto px-3 pb-1">
        <Chip active={categoryId === null} onClick={() => setCategoryId(null)}>
          Tout
        </Chip>
        {catalog.categories.map((category) => (
          <Chip
            key={category.id}
            active={categoryId === category.id}
            onClick={() => setCategoryId(category.id)}
          >
            {category.name}
          </Chip>
        ))}
      </div>
      {catalog.products.length === 0 ? (
        <p className="rounded-xl bg-amber-100 p-3 text-base font-bold">
          Catalogue vide sur ce téléphone : appuyez sur « Synchroniser » avec du réseau.
        </p>
      ) : products.length === 0 ? (
        <p className="p-3 text-base">Aucun produit ne correspond.</p>
      ) : null}
      <ul className="space-y-2">
        {products.map((product) => (
          <li key={product.id} className="rounded-xl border-2 border-slate-900 p-3" data-testid="product-row">
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <p className="text-lg leading-tight font-bold">{product.name}</p>
                <p className="text-base">
                  <span className="font-bold">{money(product.unit_price)}</span> / {product.unit}
                </p>
                <p
                  className={`text-sm font-bold ${
                    product.stock_quantity <= 0
                      ? 'text-red-800'
                      : product.stock_quantity <= product.min_stock_level
                        ? 'text-amber-800'
                        : 'text-slate-800'
                  }`}
                >
                  {knownStockLabel(product, lastSyncAt)}
                </p>
              </div>
              {renderAction?.(product)}
            </div>
            {renderNote?.(product)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Chip({
  active,
  onClick,
  children,
}: {
  active: boolean;
  onClick(): void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      aria-pressed={active}
      onClick={onClick}
      className={`min-h-12 shrink-0 rounded-full border-2 border-black px-4 text-base font-bold ${
        active ? 'bg-black text-white' : 'bg-white text-black'
      }`}
    >
      {children}
    </button>
  );
}
