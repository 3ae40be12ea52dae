import type { ClientKind, ClientListItem } from '@gapal/shared';
import { Badge, type Tone } from '../../components/badge.tsx';
import { Icon } from '../../components/icons.tsx';
import { formatAmount } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';

const KIND_TONES: Record<ClientKind, Tone> = {
  boutique: 'blue',
  maquis: 'orange',
  revendeur: 'violet',
  particulier: 'gray',
  autre: 'gray',
};

export function KindBadge({ kind }: { kind: ClientKind }) {
  const { t } = useI18n();
  return <Badge tone={KIND_TONES[kind]}>{t(`clients.kind.${kind}`)}</Badge>;
}

/** Whether the client owes more than their credit limit (a warning, never a block). */
export function isOverCreditLimit(client: Pick<ClientListItem, 'balance' | 'credit_limit'>): boolean {
  return client.credit_limit !== null && client.balance > client.credit_limit;
}

/** The balance, in red when something is owed, as a credit when negative, with the credit limit warning. */
export function ClientBalance({ client }: { client: Pick<ClientListItem, 'balance' | 'credit_limit'> }) {
  const { t } = useI18n();
  const over = isOverCreditLimit(client);
  return (
    <span className="inline-flex items-center gap-1.5">
      {client.balance < 0 ? (
        // A negative balance is money the client has on account.
        <span className="font-medium text-emerald-700 tabular-nums">
          {t('orders.credit')} {formatAmount(-client.balance)}
        </span>
      ) : (
        <span
          className={`font-medium tabular-nums ${client.balance > 0 ? 'text-red-700' : 'text-slate-900'}`}
        >
          {formatAmount(client.balance)}
        </span>
      )}
      {over ? (
        <span
          role="img"
          data-testid="credit-limit-warning"
          className="inline-flex text-amber-600"
          aria-label={t('clients.over_limit', { limit: formatAmount(client.credit_limit) })}
          title={t('clients.over_limit', { limit: formatAmount(client.credit_limit) })}
        >
          <Icon name="warning" className="size-4" />
        </span>
      ) : null}
    </span>
  );
}
