import type { Product } from '@gapal/shared';
import { Badge } from '../../components/badge.tsx';
import { useI18n } from '../../lib/i18n.ts';

export function ProductStockBadge({ product }: { product: Product }) {
  const { t } = useI18n();
  if (!product.is_active) return <Badge tone="gray">{t('common.inactive')}</Badge>;
  if (product.stock_quantity <= 0) {
    return (
      <Badge tone="red" dot>
        {t('products.out')}
      </Badge>
    );
  }
  if (product.is_below_threshold) {
    return (
      <Badge tone="amber" dot>
        {t('products.low')}
      </Badge>
    );
  }
  return (
    <Badge tone="green" dot>
      {t('products.ok')}
    </Badge>
  );
}
