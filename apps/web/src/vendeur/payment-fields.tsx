import { DOOR_METHODS, type DoorPayment, isMobileMoney, METHOD_LABELS } from './door-payment.ts';
import { Field, inputClass, money } from './ui.tsx';

type PaymentFieldsProps = {
  value: DoorPayment;
  change(patch: Partial<DoorPayment>): void;
  errors: { amount?: string | undefined; reference?: string | undefined };
  /** What the client still owes: the amount's default and its ceiling. */
  balance: number;
};

function ErrorText({ message }: { message?: string | undefined }) {
  return message ? <p className="mt-1 text-base font-bold text-red-800">{message}</p> : null;
}

/** Amount (part of the balance allowed), method, and the mobile-money reference when it applies. */
export function PaymentFields({ value, change, errors, balance }: PaymentFieldsProps) {
  return (
    <div className="space-y-4">
      <Field label="Montant reçu (FCFA)" hint={`Reste à payer : ${money(balance)}`}>
        <input
          className={inputClass}
          inputMode="numeric"
          value={value.amount}
          onChange={(event) => change({ amount: event.target.value.replace(/\D/g, '') })}
        />
        <ErrorText message={errors.amount} />
      </Field>
      <fieldset>
        <legend className="mb-1 text-base font-bold">Moyen de paiement</legend>
        <div className="grid grid-cols-3 gap-2">
          {DOOR_METHODS.map((method) => (
            <button
              key={method}
              type="button"
              aria-pressed={value.method === method}
              onClick={() => change({ method })}
              className={`min-h-14 rounded-xl border-2 border-black px-1 text-base leading-tight font-bold ${
                value.method === method ? 'bg-black text-white' : 'bg-white'
              }`}
            >
              {METHOD_LABELS[method]}
            </button>
          ))}
        </div>
      </fieldset>
      {isMobileMoney(value.method) ? (
        <Field label="Référence de la transaction">
          <input
            className={inputClass}
            autoComplete="off"
            value={value.reference}
            onChange={(event) => change({ reference: event.target.value })}
          />
          <ErrorText message={errors.reference} />
        </Field>
      ) : null}
    </div>
  );
}
