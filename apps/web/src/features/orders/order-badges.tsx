import type { DeliveryStatus, PaymentStatus, Priority } from '@gapal/shared';
import { Badge, type Tone } from '../../components/badge.tsx';
import { useI18n } from '../../lib/i18n.ts';

export const STATUS_TONES: Record<DeliveryStatus, Tone> = {
  nouvelle: 'blue',
  en_preparation: 'amber',
  en_cours: 'violet',
  livree: 'green',
  annulee: 'gray',
};

const PAYMENT_TONES: Record<PaymentStatus, Tone> = { non_payee: 'red', partielle: 'orange', payee: 'green' };
const PRIORITY_TONES: Record<Priority, Tone> = { basse: 'gray', moyenne: 'sky', haute: 'red' };

export function StatusBadge({ status }: { status: DeliveryStatus }) {
  const { t } = useI18n();
  return (
    <Badge tone={STATUS_TONES[status]} dot>
      {t(`status.${status}`)}
    </Badge>
  );
}

export function PaymentBadge({ status }: { status: PaymentStatus }) {
  const { t } = useI18n();
  return <Badge tone={PAYMENT_TONES[status]}>{t(`payment.${status}`)}</Badge>;
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  const { t } = useI18n();
  return (
    <Badge tone={PRIORITY_TONES[priority]}>
      {priority === 'haute' ? '▲ ' : null}
      {t(`priority.${priority}`)}
    </Badge>
  );
}
