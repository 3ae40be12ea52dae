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
      <p className="font-bold">
        Livraison refusée le {formatDateTime(issue.at)} : {issue.message}.
      </p>
      <p className="text-sm">
        Que faire : prévenez le client ; le gestionnaire livrera quand le stock sera là, ou vous appellera.
      </p>
    </div>
  );
}

/** "Encaisser": money taken later on one of the vendor's orders, queued like any change. */
export function CardPayment({ order }: { order: SyncOrder }) {
  const [open, setOpen] = useState(false);
  const [payment, setPayment] = useState<DoorPayment>({ amount: '', method: 'especes', reference: '' });
  const [showErrors, setShowErrors] = useState(false);
  if (order.delivery_status === 'annulee' || order.balance <= 0) return null;
  if (!open) {
    return (
      <BigButton
        tone="secondary"
        className="w-full"
        onClick={() => {
          setPayment({ amount: String(order.balance), method: 'especes', reference: '' });
          setShowErrors(false);
          setOpen(true);
        }}
      >
        Encaisser
      </BigButton>
    );
  }
  const errors = doorPaymentErrors(payment, order.balance);
  const save = async () => {
    if (Object.keys(errors).length > 0) {
      setShowErrors(true);
      return;
    }
    await recordDoorPayment(order, payment);
    setOpen(false);
  };
  return (
    <div className="col-span-2 space-y-3 rounded-xl border-2 border-black p-3" data-testid="card-payment">
      <p className="text-lg font-black">Encaisser</p>
      <PaymentFields
        value={payment}
        change={(patch) => setPayment({ ...payment, ...patch })}
        errors={showErrors ? errors : {}}
        balance={order.balance}
      />
      <div className="grid grid-cols-2 gap-2">
        <BigButton tone="secondary" onClick={() => setOpen(false)}>
          Fermer
        </BigButton>
        <BigButton onClick={() => void save()}>Enregistrer le paiement</BigButton>
      </div>
    </div>
  );
}

const SHARE_MESSAGES = {
  shared: null,
  cancelled: null,
  copied: 'Reçu copié : collez-le dans un SMS ou WhatsApp.',
  failed: 'Impossible de partager le reçu sur ce téléphone.',
} as const;

/** "Partager le reçu": the phone's share sheet with the receipt text, or the clipboard. */
export function ShareReceipt({
  order,
  productNames,
}: {
  order: SyncOrder;
  productNames: ReadonlyMap<string, string>;
}) {
  const [message, setMessage] = useState<string | null>(null);
  useBusinessSettings();
  const share = async () => {
    const outcome = await shareText(receiptText(order, productNames, businessName()));
    setMessage(SHARE_MESSAGES[outcome]);
  };
  return (
    <>
      <BigButton tone="secondary" className="w-full" onClick={() => void share()}>
        Partager le reçu
      </BigButton>
      {message ? (
        <p role="status" className="col-span-2 text-base font-bold">
          {message}
        </p>
      ) : null}
    </>
  );
}
