import type { Lot, Product } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { Badge } from '../../components/badge.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorPanel } from '../../components/states.tsx';
import { formatDate, formatNumber } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { productLotsQuery } from './queries.ts';

export function ExpiryBadge({ lot }: { lot: Pick<Lot, 'is_expired' | 'days_to_expiry'> }) {
  const { t } = useI18n();
  if (lot.is_expired)
    return <Badge tone="red">{t('lots.expired_since', { days: -lot.days_to_expiry })}</Badge>;
  if (lot.days_to_expiry === 0) return <Badge tone="orange">{t('lots.today')}</Badge>;
  if (lot.days_to_expiry <= 3)
    return <Badge tone="amber">{t('lots.days_left', { days: lot.days_to_expiry })}</Badge>;
  return <Badge tone="gray">{t('lots.days_left', { days: lot.days_to_expiry })}</Badge>;
}

export function LotsDialog({ product, onClose }: { product: Product; onClose: () => void }) {
  const { t } = useI18n();
  const lots = useQuery(productLotsQuery(product.id));
  return (
    <Dialog open size="lg" title={t('products.lots_of', { name: product.name })} onClose={onClose}>
      {lots.isPending ? (
        <p className="text-sm text-slate-500">{t('common.loading')}</p>
      ) : lots.isError ? (
        <ErrorPanel error={lots.error} />
      ) : lots.data.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">{t('lots.empty')}</p>
      ) : (
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs text-slate-500 uppercase">
              <th className="pb-2 font-semibold">{t('lots.code')}</th>
              <th className="pb-2 font-semibold">{t('lots.expiry')}</th>
              <th className="pb-2 font-semibold">
                <span className="sr-only">{t('common.status')}</span>
              </th>
              <th className="pb-2 text-right font-semibold">{t('lots.quantity')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {lots.data.map((lot) => (
              <tr key={lot.id} data-testid="lot-row">
                <td className="py-2 font-mono text-xs">{lot.code}</td>
                <td className="py-2 tabular-nums">{formatDate(lot.expiry_date)}</td>
                <td className="py-2">
                  <ExpiryBadge lot={lot} />
                </td>
                <td className="py-2 text-right font-medium tabular-nums">
                  {formatNumber(lot.quantity)} {product.unit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
