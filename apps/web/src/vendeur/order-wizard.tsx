import type { SyncOrder } from '@gapal/shared';
import { orderView, orderVoiceNote, type RecordedVoiceNote } from '@gapal/sync-client';
import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { formatDate } from '../lib/format.ts';
import { useCatalog } from './catalog-data.ts';
import { ClientStep } from './client-step.tsx';
import { METHOD_LABELS } from './door-payment.ts';
import {
  type Draft,
  draftFromOrder,
  draftTotal,
  emptyDraft,
  loadDraft,
  saveDraft,
  storeDraft,
  validateDraft,
} from './order-draft.ts';
import { DeliveryStep, NotesStep, ProductsStep, type StepProps } from './order-steps.tsx';
import { PaymentStep } from './payment-step.tsx';
import { announceSavedOrder } from './saved-orders.ts';
import { describeShortfall, STOCK_WARNING, stockShortfalls } from './stock-warning.ts';
import { STORAGE_FULL_WARNING, saveFailureMessage, useStorageNearlyFull } from './storage-space.ts';
import { db } from './sync.ts';
import { BigButton, money } from './ui.tsx';
import { VoiceNoteRecorder } from './voice-note-recorder.tsx';
import { clock } from './voice-recorder.ts';

const STEPS = [
  { title: 'Client', fields: ['client_name', 'client_phone'], Component: ClientStep },
  { title: 'Produits', fields: ['items'], Component: ProductsStep },
  { title: 'Livraison', fields: ['delivery_address', 'delivery_date'], Component: DeliveryStep },
  { title: 'Paiement', fields: ['paid_amount', 'reference'], Component: PaymentStep },
  { title: 'Notes', fields: ['notes'], Component: NotesStep },
  { title: 'Vérification', fields: [], Component: Review },
] as const;

export function OrderWizard({ editLocalId }: { editLocalId?: string }) {
  const [, navigate] = useLocation();
  const [editing, setEditing] = useState<SyncOrder | null>(null);
  const [draft, setDraft] = useState<Draft | null>(() =>
    editLocalId ? null : (loadDraft() ?? emptyDraft()),
  );
  const [step, setStep] = useState(0);
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  // The voice note: only saved when the vendor changed it (recorded, re-recorded or deleted).
  const [voice, setVoice] = useState<{ changed: boolean; note: RecordedVoiceNote | null }>({
    changed: false,
    note: null,
  });
  // An order the server has is not changed by a note any more: it was sent without one.
  const voiceEditable = !editing?.id;
  const storageFull = useStorageNearlyFull();
  const catalog = useCatalog();

  useEffect(() => {
    if (!editLocalId) return;
    void orderView(db, editLocalId).then((order) => {
      if (order?.delivery_status !== 'nouvelle') {
        navigate('/commandes', { replace: true });
        return;
      }
      setEditing(order);
      setDraft(draftFromOrder(order));
      void orderVoiceNote(db, editLocalId).then((note) => {
        if (note?.audio)
          setVoice({
            changed: false,
            note: { audio: note.audio, contentType: note.content_type, durationMs: note.duration_ms },
          });
      });
    });
  }, [editLocalId, navigate]);

  if (!draft) return <p className="text-lg">Chargement…</p>;
  const errors = validateDraft(draft, draftTotal(draft, catalog?.products ?? []));
  const current = STEPS[step]!;
  const stepErrors = Object.fromEntries(
    Object.entries(errors).filter(([field]) => (current.fields as readonly string[]).includes(field)),
  );
  const change = (patch: Partial<Draft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    if (!editing) storeDraft(next);
  };
  const next = () => {
    if (Object.keys(stepErrors).length > 0) {
      setShowErrors(true);
      return;
    }
    setShowErrors(false);
    setStep(step + 1);
    window.scrollTo(0, 0);
  };
  const save = async () => {
    if (Object.keys(errors).length > 0) {
      setShowErrors(true);
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const entries = await saveDraft(
        draft,
        editing ?? undefined,
        voice.changed && voiceEditable ? voice.note : undefined,
      );
      // A new order's card shows at once in the list kept mounted under the form.
      if (!editing) announceSavedOrder(entries, catalog?.products ?? []);
    } catch (error) {
      // Nothing was written (one transaction); the draft stays on screen and in storage.
      console.error('Order not saved', error);
      setSaveError(saveFailureMessage(error));
      setSaving(false);
      return;
    }
    if (!editing) storeDraft(null);
    navigate('/commandes');
  };
  const { Component } = current;
  return (
    <section className="space-y-4">
      {storageFull ? (
        <p
          role="alert"
          data-testid="storage-warning"
          className="rounded-xl bg-amber-300 p-3 font-bold text-black"
        >
          {STORAGE_FULL_WARNING}
        </p>
      ) : null}
      <div>
        <p className="text-sm font-bold text-slate-800">
          {editing ? `Modifier ${editing.number || 'la commande'}` : 'Nouvelle commande'} — étape {step + 1} /{' '}
          {STEPS.length}
        </p>
        <h1 className="text-2xl font-black">{current.title}</h1>
        <div className="mt-2 grid grid-cols-6 gap-1" aria-hidden="true">
          {STEPS.map((item, index) => (
            <span
              key={item.title}
              className={`h-2 rounded ${index <= step ? 'bg-emerald-900' : 'bg-slate-300'}`}
            />
          ))}
        </div>
      </div>
      <Component draft={draft} change={change} errors={showErrors ? stepErrors : {}} />
      {current.title === 'Notes' && voiceEditable ? (
        <VoiceNoteRecorder note={voice.note} onChange={(note) => setVoice({ changed: true, note })} />
      ) : null}
      {current.title === 'Vérification' && voice.note ? (
        <p className="rounded-xl border-2 border-black p-3 text-base" data-testid="review-voice-note">
          <span className="font-bold">Note vocale</span> : {clock(voice.note.durationMs)}, gardée sur le
          téléphone jusqu'à l'envoi de la commande.
        </p>
      ) : null}
      <div className="fixed inset-x-0 bottom-16 z-10 mx-auto flex max-w-xl gap-2 border-t-2 border-black bg-white p-2">
        {step > 0 ? (
          <BigButton tone="secondary" className="flex-1" onClick={() => setStep(step - 1)}>
            ← Retour
          </BigButton>
        ) : (
          <BigButton
            tone="secondary"
            className="flex-1"
            onClick={() => {
              if (editing) navigate('/commandes');
              else if (window.confirm('Effacer cette commande ?')) {
                storeDraft(null);
                setDraft(emptyDraft());
                setVoice({ changed: false, note: null });
              }
            }}
          >
            {editing ? 'Annuler' : 'Effacer'}
          </BigButton>
        )}
        {step < STEPS.length - 1 ? (
          <BigButton className="flex-[2]" onClick={next}>
            Suivant →
          </BigButton>
        ) : (
          <BigButton className="flex-[2]" onClick={() => void save()} disabled={saving}>
            Enregistrer
          </BigButton>
        )}
      </div>
      {showErrors && step === STEPS.length - 1 && Object.keys(errors).length > 0 ? (
        <p role="alert" className="rounded-xl bg-red-100 p-3 font-bold text-red-900">
          Il manque des informations : {Object.values(errors).join(', ')}.
        </p>
      ) : null}
      {saveError ? (
        <p role="alert" data-testid="save-error" className="rounded-xl bg-red-100 p-3 font-bold text-red-900">
          {saveError}
        </p>
      ) : null}
    </section>
  );
}

const PRIORITY_LABELS = { basse: 'Basse', moyenne: 'Moyenne', haute: 'Haute' } as const;

function Review({ draft }: StepProps) {
  const catalog = useCatalog();
  const products = new Map((catalog?.products ?? []).map((product) => [product.id, product]));
  const lines = Object.entries(draft.items)
    .filter(([, quantity]) => quantity > 0)
    .map(([id, quantity]) => {
      const product = products.get(id);
      const price = product?.unit_price ?? 0;
      return {
        id,
        name: product?.name ?? 'Produit',
        unit: product?.unit ?? '',
        quantity,
        subtotal: price * quantity,
      };
    });
  const total = lines.reduce((sum, line) => sum + line.subtotal, 0);
  const shortfalls = stockShortfalls(draft.items, catalog?.products ?? []);
  const payment = draft.paid
    ? `Payé ${money(Number(draft.paid_amount) || 0)} (${METHOD_LABELS[draft.method]}${
        draft.method === 'especes' || !draft.reference.trim() ? '' : `, réf. ${draft.reference.trim()}`
      })`
    : 'Pas payé';
  return (
    <div className="space-y-3 text-base">
      {shortfalls.length > 0 ? (
        <div className="rounded-xl bg-amber-100 p-3 text-amber-950" data-testid="stock-warning">
          <p className="font-black">{STOCK_WARNING} :</p>
          <ul className="list-disc pl-5">
            {shortfalls.map((shortfall) => (
              <li key={shortfall.productId}>{describeShortfall(shortfall)}</li>
            ))}
          </ul>
          <p className="text-sm">Le gestionnaire décide ; vous pouvez enregistrer.</p>
        </div>
      ) : null}
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-xl border-2 border-black p-3">
        <dt className="font-bold">Client</dt>
        <dd>
          {draft.client_name} {draft.client_phone ? `· ${draft.client_phone}` : ''}
        </dd>
        <dt className="font-bold">Livraison</dt>
        <dd>
          {draft.delivery_address || '—'} ·{' '}
          {draft.delivery_date ? formatDate(draft.delivery_date) : 'date libre'}
        </dd>
        <dt className="font-bold">Priorité</dt>
        <dd>{PRIORITY_LABELS[draft.priority]}</dd>
        <dt className="font-bold">Paiement</dt>
        <dd>{payment}</dd>
        {draft.notes.trim() ? (
          <>
            <dt className="font-bold">Notes</dt>
            <dd className="whitespace-pre-line">{draft.notes.trim()}</dd>
          </>
        ) : null}
      </dl>
      <ul className="divide-y-2 divide-slate-200 rounded-xl border-2 border-black">
        {lines.map((line) => (
          <li key={line.id} className="flex justify-between gap-2 p-3">
            <span>
              {line.quantity} × {line.name}
            </span>
            <span className="font-bold whitespace-nowrap">{money(line.subtotal)}</span>
          </li>
        ))}
        <li
          className="flex justify-between bg-black p-3 text-xl font-black text-white"
          data-testid="review-total"
        >
          <span>Total</span>
          <span>{money(total)}</span>
        </li>
      </ul>
    </div>
  );
}
