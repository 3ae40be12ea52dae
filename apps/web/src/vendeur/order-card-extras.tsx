import type { SyncOrder } from '@gapal/shared';
import { useState } from 'react';
import { formatDateTime } from '../lib/format.ts';
import { businessName, useBusinessSettings } from './business-settings.ts';
import { type DoorPayment, doorPaymentErrors } from './door-payment.ts';
import { recordDoorPayment } from './order-draft.ts';
import { PaymentFields } from './payment-fields.tsx';
import { receiptText, shareText } from './receipt.ts';
import { BigButton } from './ui.tsx';

/**
 * Why the depot could not deliver (a delivery refused for lack of stock), brought by the sync.
 * Shown while the order is still open: once delivered or cancelled it is history.
 */
export function DeliveryIssueNotice({ order }: { order: SyncOrder }) {
  const issue = order.delivery_issue;
  if (!issue || order.delivery_status === 'livree' || order.delivery_status === 'annulee') return null;
  return (
    <div role="alert" className="mt-2 rounded-xl bg-red-100 p-3 text-red-950" data-testid="delivery-issue">
      <p className="font-bold">Livraison refusée le {formatDateTime(issue.at)}.</p>
      <p className="font-bold">{issue.message}.</p>
      <p className="text-sm">
        Que faire : prévenez le client ; le gestionnaire livrera quand le stock sera là, ou vous appellera.
      </p>
    </div>
  );
}

const SHARE_MESSAGES = {
  shared: null,
  cancelled: null,
  copied: 'Reçu copié : collez-le dans un SMS ou WhatsApp.',
  failed: 'Impossible de partager le reçu sur ce téléphone.',
} as const;

const SMALL_BUTTON =
  'min-h-12 rounded-xl border-2 border-black bg-white px-2 text-base font-bold text-black active:bg-slate-100';

/**
 * The card's door actions: "Encaisser" (money taken later, queued like any change) and
 * "Partager le reçu" (the phone's share sheet with the receipt text, or the clipboard).
 */
export function CardActions({
  order,
  productNames,
}: {
  order: SyncOrder;
  productNames: ReadonlyMap<string, string>;
}) {
  const [paying, setPaying] = useState(false);
  const [payment, setPayment] = useState<DoorPayment>({ amount: '', method: 'especes', reference: '' });
  const [showErrors, setShowErrors] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  useBusinessSettings();
  const canPay = order.delivery_status !== 'annulee' && order.balance > 0;
  const errors = doorPaymentErrors(payment, order.balance);
  const share = async () => {
    const outcome = await shareText(receiptText(order, productNames, businessName()));
    setMessage(SHARE_MESSAGES[outcome]);
  };
  const save = async () => {
    if (Object.keys(errors).length > 0) {
      setShowErrors(true);
      return;
    }
    await recordDoorPayment(order, payment);
    setPaying(false);
  };
  return (
    <div className="mt-2 space-y-2">
      <div className={`grid gap-2 ${canPay && !paying ? 'grid-cols-2' : 'grid-cols-1'}`}>
        {canPay && !paying ? (
          <button
            type="button"
            className={SMALL_BUTTON}
            onClick={() => {
              setPayment({ amount: String(order.balance), method: 'especes', reference: '' });
              setShowErrors(false);
              setPaying(true);
            }}
          >
            Encaisser
          </button>
        ) : null}
        <button type="button" className={SMALL_BUTTON} onClick={() => void share()}>
          Partager le reçu
        </button>
      </div>
      {message ? (
        <p role="status" className="text-base font-bold">
          {message}
        </p>
      ) : null}
      {paying ? (
        <div className="space-y-3 rounded-xl border-2 border-black p-3" data-testid="card-payment">
          <p className="text-lg font-black">Encaisser</p>
          <PaymentFields
            value={payment}
            change={(patch) => setPayment({ ...payment, ...patch })}
            errors={showErrors ? errors : {}}
            balance={order.balance}
          />
          <div className="grid grid-cols-2 gap-2">
            <BigButton tone="secondary" onClick={() => setPaying(false)}>
              Fermer
            </BigButton>
            <BigButton onClick={() => void save()}>Enregistrer le paiement</BigButton>
          </div>
        </div>
      ) : null}
    </div>
  );
}
