import type { Priority, SyncProduct } from '@gapal/shared';
import { useRef, useState } from 'react';
import { Icon } from '../components/icons.tsx';
import { todayIso } from '../lib/format.ts';
import { ProductPicker } from './catalog.tsx';
import type { Draft, DraftErrors } from './order-draft.ts';
import { exceedsKnownStock, STOCK_WARNING } from './stock-warning.ts';
import { Field, inputClass } from './ui.tsx';

export type StepProps = { draft: Draft; change(patch: Partial<Draft>): void; errors: DraftErrors };

function ErrorText({ message }: { message?: string | undefined }) {
  return message ? <p className="mt-1 text-base font-bold text-red-800">{message}</p> : null;
}

export function ProductsStep({ draft, change, errors }: StepProps) {
  const set = (product: SyncProduct, quantity: number) =>
    change({ items: { ...draft.items, [product.id]: Math.max(0, quantity) } });
  return (
    <div className="space-y-2">
      <ErrorText message={errors.items} />
      <ProductPicker
        renderNote={(product) => {
          const quantity = draft.items[product.id] ?? 0;
          return exceedsKnownStock(quantity, product) ? (
            <p
              className="mt-2 rounded-lg bg-amber-100 p-2 text-base font-bold text-amber-950"
              data-testid="stock-warning"
            >
              Plus que le stock connu ({Math.max(0, product.stock_quantity)}) : {STOCK_WARNING.toLowerCase()}.
            </p>
          ) : null;
        }}
        renderAction={(product) => {
          const quantity = draft.items[product.id] ?? 0;
          return (
            <div className="flex shrink-0 items-center gap-1">
              <button
                type="button"
                aria-label={`Moins de ${product.name}`}
                disabled={quantity === 0}
                onClick={() => set(product, quantity - 1)}
                className="size-12 rounded-xl border-2 border-black text-2xl font-black disabled:border-slate-300 disabled:text-slate-300"
              >
                −
              </button>
              <input
                aria-label={`Quantité de ${product.name}`}
                inputMode="numeric"
                className="h-12 w-14 rounded-xl border-2 border-black text-center text-lg font-bold"
                value={quantity}
                onChange={(event) => set(product, Number.parseInt(event.target.value || '0', 10) || 0)}
              />
              <button
                type="button"
                aria-label={`Plus de ${product.name}`}
                onClick={() => set(product, quantity + 1)}
                className="size-12 rounded-xl bg-emerald-900 text-2xl font-black text-white"
              >
                +
              </button>
            </div>
          );
        }}
      />
    </div>
  );
}

const PRIORITIES: { value: Priority; label: string; solid: string; outline: string }[] = [
  {
    value: 'basse',
    label: 'Basse',
    solid: 'bg-green-700 text-white border-green-900',
    outline: 'border-green-700 text-green-800',
  },
  {
    value: 'moyenne',
    label: 'Moyenne',
    solid: 'bg-orange-600 text-white border-orange-800',
    outline: 'border-orange-600 text-orange-800',
  },
  {
    value: 'haute',
    label: 'Haute',
    solid: 'bg-red-700 text-white border-red-900',
    outline: 'border-red-700 text-red-800',
  },
];

export function DeliveryStep({ draft, change, errors }: StepProps) {
  return (
    <div className="space-y-4">
      <Field label="Adresse de livraison">
        <textarea
          className={`${inputClass} py-2`}
          rows={2}
          value={draft.delivery_address}
          onChange={(event) => change({ delivery_address: event.target.value })}
        />
        <ErrorText message={errors.delivery_address} />
      </Field>
      <Field label="Date de livraison">
        <input
          className={inputClass}
          type="date"
          min={todayIso()}
          value={draft.delivery_date}
          onChange={(event) => change({ delivery_date: event.target.value })}
        />
        <ErrorText message={errors.delivery_date} />
      </Field>
      <fieldset>
        <legend className="mb-1 text-base font-bold">Priorité</legend>
        <div className="grid grid-cols-3 gap-2">
          {PRIORITIES.map((priority) => (
            <button
              key={priority.value}
              type="button"
              aria-pressed={draft.priority === priority.value}
              onClick={() => change({ priority: priority.value })}
              className={`min-h-16 rounded-xl border-4 text-lg font-black ${
                draft.priority === priority.value ? priority.solid : `bg-white ${priority.outline}`
              }`}
            >
              {draft.priority === priority.value ? (
                <Icon name="check" className="mr-1 inline size-6 align-middle" />
              ) : null}
              {priority.label}
            </button>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

type Recognition = {
  lang: string;
  interimResults: boolean;
  onresult: ((event: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
};

function recognitionClass(): (new () => Recognition) | undefined {
  const scope = globalThis as {
    SpeechRecognition?: new () => Recognition;
    webkitSpeechRecognition?: new () => Recognition;
  };
  return scope.SpeechRecognition ?? scope.webkitSpeechRecognition;
}

export function NotesStep({ draft, change, errors }: StepProps) {
  const [listening, setListening] = useState(false);
  const recognition = useRef<Recognition | null>(null);
  const Speech = recognitionClass();
  const dictate = () => {
    if (!Speech) return;
    if (listening) {
      recognition.current?.stop();
      return;
    }
    const speech = new Speech();
    speech.lang = 'fr-FR';
    speech.interimResults = false;
    speech.onresult = (event) => {
      const text = Array.from(event.results)
        .map((result) => result[0]?.transcript ?? '')
        .join(' ');
      change({ notes: [draft.notes.trim(), text.trim()].filter(Boolean).join(' ') });
    };
    speech.onend = () => setListening(false);
    recognition.current = speech;
    setListening(true);
    speech.start();
  };
  return (
    <div className="space-y-3">
      <Field label="Notes" hint={Speech ? 'Appuyez sur le micro et parlez.' : undefined}>
        <textarea
          className={`${inputClass} py-2`}
          rows={5}
          value={draft.notes}
          onChange={(event) => change({ notes: event.target.value })}
        />
        <ErrorText message={errors.notes} />
      </Field>
      {Speech ? (
        <button
          type="button"
          onClick={dictate}
          aria-pressed={listening}
          className={`min-h-16 w-full rounded-xl text-lg font-black text-white ${listening ? 'bg-red-700' : 'bg-sky-800'}`}
        >
          <Icon name="microphone" className="mr-2 inline size-7 align-middle" />
          {listening ? 'Arrêter la dictée' : 'Dicter la note'}
        </button>
      ) : null}
    </div>
  );
}
