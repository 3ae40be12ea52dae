import { CLIENT_KINDS, type ClientKind, SyncCreateClientArgsSchema } from '@gapal/shared';
import {
  clientOrders,
  type DirectoryClient,
  directoryClient,
  overCreditLimit,
  searchClients,
} from '@gapal/sync-client';
import { useState } from 'react';
import { formatDate } from '../lib/format.ts';
import type { StepProps } from './order-steps.tsx';
import { db, useLive } from './sync.ts';
import { BigButton, Card, Field, inputClass, money } from './ui.tsx';

/**
 * The new order's client step (#27): a search over the site's clients on the phone (name or
 * phone, accents and case ignored), a chosen client's balance and last orders, « Nouveau client »
 * queued with the order. A name typed without choosing stays a free-typed client. The directory is
 * read only here, when the step opens: nothing of it runs at start-up.
 */

const KIND_LABELS: Record<ClientKind, string> = {
  boutique: 'Boutique',
  maquis: 'Maquis',
  revendeur: 'Revendeur',
  particulier: 'Particulier',
  autre: 'Autre',
};

export const CREDIT_LIMIT_WARNING = 'Ce client dépasse sa limite de crédit';

function ErrorText({ message }: { message?: string | undefined }) {
  return message ? <p className="mt-1 text-base font-bold text-red-800">{message}</p> : null;
}

export function ClientStep(props: StepProps) {
  const { draft } = props;
  const [creating, setCreating] = useState(false);
  if (creating) return <NewClientForm {...props} close={() => setCreating(false)} />;
  if (draft.client_id) return <ChosenClient {...props} />;
  return <ClientSearch {...props} create={() => setCreating(true)} />;
}

function ClientSearch({ draft, change, errors, create }: StepProps & { create(): void }) {
  const query = draft.client_name;
  const found = useLive(() => searchClients(db, query, 8), [query]);
  const choose = (client: DirectoryClient) =>
    change({
      client_id: client.id,
      new_client: null,
      client_name: client.name,
      client_phone: client.phone ?? '',
    });
  return (
    <div className="space-y-4">
      <Field label="Nom du client" hint="Recherche par nom ou téléphone dans les clients du téléphone.">
        <input
          className={inputClass}
          type="search"
          value={query}
          autoComplete="off"
          placeholder="Rechercher un client"
          onChange={(event) => change({ client_name: event.target.value })}
        />
        <ErrorText message={errors.client_name} />
      </Field>
      {found && found.length > 0 ? (
        <ul className="space-y-2" aria-label="Clients trouvés">
          {found.map((client) => (
            <li key={client.id}>
              <button
                type="button"
                className="min-h-12 w-full rounded-xl border-2 border-emerald-900 bg-emerald-50 px-3 py-2 text-left text-base font-bold"
                onClick={() => choose(client)}
              >
                {client.name}
                <span className="block text-sm font-normal">
                  {[client.phone, client.area, KIND_LABELS[client.kind]].filter(Boolean).join(' · ')}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : found && query.trim() ? (
        <p className="text-base">Aucun client trouvé sur le téléphone.</p>
      ) : null}
      <BigButton tone="secondary" className="w-full" onClick={create}>
        Nouveau client
      </BigButton>
      <Field label="Téléphone (facultatif)" hint="Pour un client hors du répertoire.">
        <input
          className={inputClass}
          type="tel"
          inputMode="tel"
          placeholder="+226 70 12 34 56"
          value={draft.client_phone}
          onChange={(event) => change({ client_phone: event.target.value })}
        />
        <ErrorText message={errors.client_phone} />
      </Field>
    </div>
  );
}

function ChosenClient({ draft, change }: StepProps) {
  const id = draft.client_id;
  const shown = useLive(async () => {
    const [client, orders] = await Promise.all([directoryClient(db, id), clientOrders(db, id, 3)]);
    return { client, orders };
  }, [id]);
  const client = shown?.client;
  const balance = client?.balance ?? 0;
  return (
    <div className="space-y-3">
      <Card>
        <p className="text-xl font-bold" data-testid="chosen-client">
          {draft.client_name}
        </p>
        {draft.client_phone ? <p className="text-base">{draft.client_phone}</p> : null}
        {draft.new_client ? (
          <p className="text-base">Nouveau client, envoyé avec la commande.</p>
        ) : (
          <p className="mt-1 text-lg font-bold" data-testid="client-balance">
            {balance < 0 ? `Avoir : ${money(-balance)}` : `Doit : ${money(balance)}`}
          </p>
        )}
        {client?.credit_limit != null ? (
          <p className="text-sm">Limite de crédit : {money(client.credit_limit)}</p>
        ) : null}
        {client && overCreditLimit(client) ? (
          <p className="mt-2 rounded-lg bg-amber-100 p-2 text-base font-bold text-amber-950" role="alert">
            {CREDIT_LIMIT_WARNING}
          </p>
        ) : null}
      </Card>
      {shown && shown.orders.length > 0 ? (
        <div>
          <p className="mb-1 text-sm font-bold">Dernières commandes</p>
          <ul className="space-y-1 text-base">
            {shown.orders.map((order) => (
              <li key={order.local_id}>
                {order.number || 'En attente'} · {formatDate(order.created_at)} · {money(order.total_amount)}
                {order.balance > 0 ? ` · reste ${money(order.balance)}` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <BigButton
        tone="secondary"
        className="w-full"
        onClick={() => change({ client_id: '', new_client: null, client_name: '', client_phone: '' })}
      >
        Changer de client
      </BigButton>
    </div>
  );
}

type NewClientFields = { name: string; phone: string; kind: ClientKind; area: string };

function NewClientForm({ draft, change, close }: StepProps & { close(): void }) {
  const [fields, setFields] = useState<NewClientFields>({
    name: draft.client_name,
    phone: draft.client_phone,
    kind: 'boutique',
    area: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (patch: Partial<NewClientFields>) => setFields({ ...fields, ...patch });
  const add = () => {
    const parsed = SyncCreateClientArgsSchema.safeParse({
      id: crypto.randomUUID(),
      name: fields.name,
      phone: fields.phone.trim() || null,
      kind: fields.kind,
      area: fields.area.trim() || null,
    });
    if (!parsed.success) {
      const found: Record<string, string> = {};
      for (const issue of parsed.error.issues) found[String(issue.path[0])] ??= issue.message;
      setErrors(found);
      return;
    }
    change({
      client_id: parsed.data.id,
      new_client: parsed.data,
      client_name: parsed.data.name,
      client_phone: parsed.data.phone ?? '',
    });
    close();
  };
  return (
    <div className="space-y-4">
      <p className="text-xl font-bold">Nouveau client</p>
      <Field label="Nom du client">
        <input
          className={inputClass}
          value={fields.name}
          autoComplete="off"
          onChange={(event) => set({ name: event.target.value })}
        />
        <ErrorText message={errors.name} />
      </Field>
      <Field label="Téléphone (facultatif)">
        <input
          className={inputClass}
          type="tel"
          inputMode="tel"
          placeholder="+226 70 12 34 56"
          value={fields.phone}
          onChange={(event) => set({ phone: event.target.value })}
        />
        <ErrorText message={errors.phone} />
      </Field>
      <Field label="Type de client">
        <select
          className={inputClass}
          value={fields.kind}
          onChange={(event) => set({ kind: event.target.value as ClientKind })}
        >
          {CLIENT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {KIND_LABELS[kind]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Quartier (facultatif)">
        <input
          className={inputClass}
          value={fields.area}
          onChange={(event) => set({ area: event.target.value })}
        />
        <ErrorText message={errors.area} />
      </Field>
      <div className="flex gap-2">
        <BigButton tone="secondary" className="flex-1" onClick={close}>
          Annuler
        </BigButton>
        <BigButton className="flex-1" onClick={add}>
          Ajouter le client
        </BigButton>
      </div>
    </div>
  );
}
