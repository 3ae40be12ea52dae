import { MOVEMENT_TYPES, type MovementType } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, type Tone } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { DateRangeInputs, FilterSelect, inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { EmptyRow, ErrorRow, LoadingRows } from '../../components/states.tsx';
import { TableCard, TBODY, TD, Th } from '../../components/table.tsx';
import { toast } from '../../components/toast.tsx';
import { apiDownload } from '../../lib/api-client.ts';
import { formatDateTime, formatNumber, todayIso } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCursorPages } from '../../lib/use-cursor-pages.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { productsQuery } from '../products/queries.ts';
import { type MovementFilter, movementsQuery } from './queries.ts';

const TYPE_TONES: Record<MovementType, Tone> = {
  entree: 'green',
  sortie: 'blue',
  ajustement: 'violet',
  vente: 'sky',
  retour: 'amber',
  perte: 'red',
};

export function MovementTypeBadge({ type }: { type: MovementType }) {
  const { t } = useI18n();
  return <Badge tone={TYPE_TONES[type]}>{t(`movement.${type}`)}</Badge>;
}

/** The ledger with every filter the API has, and the same selection as CSV. */
export function MovementsPanel() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<MovementFilter>({});
  const [reference, setReference] = useState('');
  const debouncedReference = useDebounced(reference.trim(), 300);
  const pages = useCursorPages();
  const effective: MovementFilter = Object.fromEntries(
    Object.entries({ ...filter, reference: debouncedReference }).filter(([, value]) => value),
  );
  const movements = useQuery(movementsQuery(effective, pages.cursor));
  const products = useQuery(productsQuery({ limit: 200 }));
  const [isExporting, setExporting] = useState(false);
  const update = (patch: Partial<MovementFilter>) => {
    setFilter({ ...filter, ...patch });
    pages.reset();
  };
  const columns = 9;

  return (
    <TableCard
      toolbar={
        <div className="flex flex-wrap items-center gap-2">
          <select
            aria-label={t('orders.product')}
            className={inputClass('w-56')}
            value={filter.product_id ?? ''}
            onChange={(event) => update({ product_id: event.target.value || undefined })}
          >
            <option value="">{t('stock.all_products')}</option>
            {(products.data?.items ?? []).map((product) => (
              <option key={product.id} value={product.id}>
                {product.name}
              </option>
            ))}
          </select>
          <FilterSelect
            label={t('stock.type')}
            allLabel={t('stock.all_types')}
            value={filter.type ?? ''}
            options={MOVEMENT_TYPES.map((type) => ({ value: type, label: t(`movement.${type}`) }))}
            onChange={(type) => update({ type: type || undefined })}
          />
          <input
            aria-label={t('stock.reference')}
            placeholder={t('stock.reference')}
            className={inputClass('w-48')}
            value={reference}
            onChange={(event) => {
              setReference(event.target.value);
              pages.reset();
            }}
          />
          <DateRangeInputs
            labels={{ from: t('common.from'), to: t('common.until') }}
            from={filter.from ?? ''}
            to={filter.to ?? ''}
            onChange={(change) =>
              update('from' in change ? { from: change.from || undefined } : { to: change.to || undefined })
            }
          />
          <Button
            className="ml-auto"
            icon={<Icon name="download" className="size-4" />}
            isLoading={isExporting}
            onClick={async () => {
              setExporting(true);
              try {
                await apiDownload(
                  '/api/stock/movements/',
                  { ...effective, format: 'csv' },
                  `mouvements-${todayIso()}.csv`,
                );
              } catch (error) {
                toast((error as Error).message, 'error');
              } finally {
                setExporting(false);
              }
            }}
          >
            {t('common.export_csv')}
          </Button>
        </div>
      }
      footer={
        <div className="flex justify-end gap-2">
          <Button size="sm" disabled={!pages.hasPrevious} onClick={pages.previous}>
            {t('common.previous')}
          </Button>
          <Button
            size="sm"
            disabled={!movements.data?.next_cursor}
            onClick={() => pages.next(movements.data?.next_cursor)}
          >
            {t('common.next')}
          </Button>
        </div>
      }
    >
      <thead>
        <tr>
          <Th>{t('audit.at')}</Th>
          <Th>{t('orders.product')}</Th>
          <Th>{t('stock.lot')}</Th>
          <Th>{t('stock.type')}</Th>
          <Th className="text-right">{t('stock.quantity')}</Th>
          <Th className="text-right">{t('stock.before')}</Th>
          <Th className="text-right">{t('stock.after')}</Th>
          <Th>{t('stock.reference')}</Th>
          <Th>{t('stock.user')}</Th>
        </tr>
      </thead>
      <tbody className={TBODY}>
        {movements.isPending ? (
          <LoadingRows columns={columns} rows={8} />
        ) : movements.isError ? (
          <ErrorRow columns={columns} error={movements.error} onRetry={() => movements.refetch()} />
        ) : movements.data.items.length === 0 ? (
          <EmptyRow columns={columns}>{t('stock.movements_empty')}</EmptyRow>
        ) : (
          movements.data.items.map((movement) => (
            <tr key={movement.id} data-testid="movement-row">
              <td className={`${TD} tabular-nums`}>{formatDateTime(movement.created_at)}</td>
              <td className={`${TD} font-medium text-slate-900`}>{movement.product_name}</td>
              <td className={`${TD} font-mono text-xs`}>{movement.lot_code}</td>
              <td className={TD}>
                <MovementTypeBadge type={movement.type} />
              </td>
              <td
                className={`${TD} text-right font-semibold tabular-nums ${movement.quantity < 0 ? 'text-red-700' : 'text-emerald-700'}`}
              >
                {movement.quantity > 0 ? '+' : ''}
                {formatNumber(movement.quantity)}
              </td>
              <td className={`${TD} text-right tabular-nums`} data-testid="movement-before">
                {formatNumber(movement.stock_before)}
              </td>
              <td className={`${TD} text-right tabular-nums`} data-testid="movement-after">
                {formatNumber(movement.stock_after)}
              </td>
              <td className={TD}>{movement.reference ?? t('common.none')}</td>
              <td className={TD}>{movement.username ?? t('common.none')}</td>
            </tr>
          ))
        )}
      </tbody>
    </TableCard>
  );
}
