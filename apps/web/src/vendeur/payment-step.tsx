import { useCatalog } from './catalog-data.ts';
import { draftTotal } from './order-draft.ts';
import type { StepProps } from './order-steps.tsx';
import { PaymentFields } from './payment-fields.tsx';
import { money } from './ui.tsx';

/**
 * The plan's "paid / not paid" toggle: "Payé" records the money taken at the door as a payment,
 * queued with the order (order-draft.ts), by default the whole of what remains.
 */
export function PaymentStep({ draft, change, errors }: StepProps) {
  const catalog = useCatalog();
  const remaining = Math.max(0, draftTotal(draft, catalog?.products ?? []) - draft.already_paid);
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-2">
        {[false, true].map((paid) => (
          <button
            key={String(paid)}
            type="button"
            aria-pressed={draft.paid === paid}
            onClick={() => change(paid && !draft.paid ? { paid, paid_amount: String(remaining) } : { paid })}
            className={`min-h-16 rounded-xl border-2 border-black text-lg font-black ${
              draft.paid === paid ? 'bg-black text-white' : 'bg-white text-black'
            }`}
          >
            {paid ? 'Payé' : 'Pas payé'}
          </button>
        ))}
      </div>
      {draft.already_paid > 0 ? (
        <p className="text-base">Déjà encaissé sur cette commande : {money(draft.already_paid)}.</p>
      ) : null}
      {draft.paid ? (
        <PaymentFields
          value={{ amount: draft.paid_amount, method: draft.method, reference: draft.reference }}
          change={(patch) =>
            change({
              ...(patch.amount === undefined ? {} : { paid_amount: patch.amount }),
              ...(patch.method === undefined ? {} : { method: patch.method }),
              ...(patch.reference === undefined ? {} : { reference: patch.reference }),
            })
          }
          errors={{ amount: errors.paid_amount, reference: errors.reference }}
          balance={remaining}
        />
      ) : null}
    </div>
  );
}
