import type { Lot } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { ConfirmMutationDialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page.tsx';
import { ErrorPanel } from '../../components/states.tsx';
import { formatDate, formatNumber } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { ExpiryBadge } from '../products/lots-dialog.tsx';
import { ProductStockBadge } from '../products/product-stock-badge.tsx';
import { lowStockQuery, productKeys } from '../products/queries.ts';
import { MovementsPanel } from './movements-panel.tsx';
import { useStockLoss } from './mutations.ts';
import { expiringLotsQuery, stockKeys } from './queries.ts';
import { StockAdjustmentDialog, StockEntryDialog, StockExitDialog } from './stock-dialogs.tsx';

type Tab = 'alerts' | 'movements';

function AlertsPanel({ canWrite }: { canWrite: boolean }) {
  const { t } = useI18n();
  const lowStock = useQuery(lowStockQuery());
  const expiring = useQuery(expiringLotsQuery(3));
  const loss = useStockLoss();
  const [writingOff, setWritingOff] = useState<Lot[] | null>(null);
  const expired = (expiring.data ?? []).filter((lot) => lot.is_expired);

  return (
    <div className="grid gap-5 lg:grid-cols-2">
      <section
        className="rounded-lg border border-slate-200 bg-white shadow-sm"
        aria-labelledby="low-stock-title"
      >
        <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-3">
          <Icon name="warning" className="size-5 text-amber-600" />
          <h2 id="low-stock-title" className="text-sm font-semibold text-slate-900">
            {t('stock.low_stock')}
          </h2>
          <span className="ml-auto text-xs text-slate-500">{lowStock.data?.length ?? ''}</span>
        </div>
        {lowStock.isError ? (
          <div className="p-4">
            <ErrorPanel error={lowStock.error} onRetry={() => lowStock.refetch()} />
          </div>
        ) : (
          <ul className="min-h-40 divide-y divide-slate-100" data-testid="low-stock-list">
            {lowStock.isPending ? (
              <li className="px-4 py-6 text-sm text-slate-500">{t('common.loading')}</li>
            ) : lowStock.data.length === 0 ? (
              <li className="px-4 py-10 text-center text-sm text-slate-500">{t('stock.no_low_stock')}</li>
            ) : (
              lowStock.data.map((product) => (
                <li key={product.id} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
                  <div>
                    <p className="font-medium text-slate-900">{product.name}</p>
                    <p className="text-xs text-slate-500">
                      {t('products.threshold')} : {formatNumber(product.min_stock_level)} {product.unit}
                    </p>
                  </div>
                  <div className="flex items-center gap-3">
                    <span className="font-semibold tabular-nums text-amber-700">
                      {formatNumber(product.stock_quantity)} {product.unit}
                    </span>
                    <ProductStockBadge product={product} />
                  </div>
                </li>
              ))
            )}
          </ul>
        )}
      </section>

      <section
        className="rounded-lg border border-slate-200 bg-white shadow-sm"
        aria-labelledby="expiring-title"
      >
        <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-3">
          <Icon name="clock" className="size-5 text-orange-600" />
          <h2 id="expiring-title" className="text-sm font-semibold text-slate-900">
            {t('stock.expiring')}
          </h2>
          {canWrite && expired.length > 0 ? (
            <Button size="sm" variant="danger" className="ml-auto" onClick={() => setWritingOff(expired)}>
              {t('stock.write_off_expired')} ({expired.length})
            </Button>
          ) : null}
        </div>
        {expiring.isError ? (
          <div className="p-4">
            <ErrorPanel error={expiring.error} onRetry={() => expiring.refetch()} />
          </div>
        ) : (
          <ul className="min-h-40 divide-y divide-slate-100" data-testid="expiring-list">
            {expiring.isPending ? (
              <li className="px-4 py-6 text-sm text-slate-500">{t('common.loading')}</li>
            ) : expiring.data.length === 0 ? (
              <li className="px-4 py-10 text-center text-sm text-slate-500">{t('stock.no_expiring')}</li>
            ) : (
              expiring.data.map((lot) => (
                <li
                  key={lot.id}
                  className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm"
                  data-testid={`lot-${lot.code}`}
                >
                  <div>
                    <p className="font-medium text-slate-900">{lot.product_name}</p>
                    <p className="text-xs text-slate-500">
                      <span className="font-mono">{lot.code}</span> · {formatDate(lot.expiry_date)}
                    </p>
                  </div>
                  <div className="flex items-center gap-3">
                    <span className="tabular-nums">{formatNumber(lot.quantity)}</span>
                    <ExpiryBadge lot={lot} />
                    {canWrite && lot.is_expired ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-700 hover:bg-red-50"
                        aria-label={`${t('stock.write_off')} ${lot.code}`}
                        onClick={() => setWritingOff([lot])}
                      >
                        {t('stock.write_off')}
                      </Button>
                    ) : null}
                  </div>
                </li>
              ))
            )}
          </ul>
        )}
      </section>

      {writingOff ? (
        <ConfirmMutationDialog
          title={t('stock.write_off_expired')}
          message={t('stock.write_off_confirm', { count: writingOff.length })}
          confirmLabel={t('stock.write_off')}
          mutation={loss}
          variables={{ reason: 'Lot périmé', items: writingOff.map((lot) => ({ lot_id: lot.id })) }}
          successMessage={t('stock.written_off', { count: writingOff.length })}
          onClose={() => setWritingOff(null)}
        />
      ) : null}
    </div>
  );
}

export function StockPage() {
  const { t } = useI18n();
  const canWrite = useCan('stock.write');
  const canReadLedger = useCan('stock.ledger.read');
  const [tab, setTab] = useState<Tab>('alerts');
  const [dialog, setDialog] = useState<'entry' | 'exit' | 'adjustment' | null>(null);
  useRealtimeInvalidation(
    [
      'notification:stock_',
      'notification:rupture_',
      'notification:lot_',
      'notification:commande_statut',
      'reconnected',
    ],
    [stockKeys.all, productKeys.all],
  );

  return (
    <>
      <PageHeader
        title={t('stock.title')}
        subtitle={t('stock.subtitle')}
        actions={
          canWrite ? (
            <>
              <Button onClick={() => setDialog('adjustment')}>{t('stock.adjustment')}</Button>
              <Button onClick={() => setDialog('exit')}>{t('stock.exit')}</Button>
              <Button
                variant="primary"
                icon={<Icon name="plus" className="size-4" />}
                onClick={() => setDialog('entry')}
              >
                {t('stock.entry')}
              </Button>
            </>
          ) : null
        }
      />
      {canReadLedger ? (
        <div
          role="tablist"
          aria-label={t('stock.title')}
          className="mb-4 flex gap-1 border-b border-slate-200"
        >
          {(['alerts', 'movements'] as Tab[]).map((key) => (
            <button
              key={key}
              type="button"
              role="tab"
              aria-selected={tab === key}
              onClick={() => setTab(key)}
              className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${
                tab === key
                  ? 'border-emerald-600 text-emerald-800'
                  : 'border-transparent text-slate-500 hover:text-slate-800'
              }`}
            >
              {t(`stock.tab.${key}`)}
            </button>
          ))}
        </div>
      ) : null}
      {tab === 'alerts' || !canReadLedger ? <AlertsPanel canWrite={canWrite} /> : <MovementsPanel />}
      {dialog === 'entry' ? <StockEntryDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'exit' ? <StockExitDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'adjustment' ? <StockAdjustmentDialog onClose={() => setDialog(null)} /> : null}
    </>
  );
}
