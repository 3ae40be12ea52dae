import { useEffect } from 'react';
import { useLocation } from 'wouter';
import { Icon } from '../components/icons.tsx';
import { formatDateTime } from '../lib/format.ts';
import { applyUpdate, useUpdateAvailable } from './pwa.ts';
import { setLocked } from './session.ts';
import { syncEngine, useOnline, useSyncState } from './sync.ts';

/** Always visible: network, what is still on the phone, when it last synced. */
export function StatusBar() {
  const online = useOnline();
  const state = useSyncState();
  const update = useUpdateAvailable();
  const [location] = useLocation();
  const formOpen = location.startsWith('/nouvelle') || location.endsWith('/modifier');

  // A new version goes in by itself only when nothing can be lost: an outbox counted and empty, no
  // form open.
  useEffect(() => {
    if (update && state.pending === 0 && !formOpen) applyUpdate();
  }, [update, state.pending, formOpen]);

  return (
    <header className="sticky top-0 z-20 border-b-2 border-black bg-white" data-testid="status-bar">
      <div className="flex items-center gap-2 px-3 py-2">
        <span
          data-testid="network"
          className={`rounded-full px-3 py-1 text-sm font-black ${
            online ? 'bg-emerald-700 text-white' : 'bg-black text-white'
          }`}
        >
          {online ? 'En ligne' : 'Hors ligne'}
        </span>
        <div className="min-w-0 flex-1 text-sm leading-tight">
          <p className="font-bold" data-testid="pending-count">
            {pendingLabel(state.pending)}
          </p>
          <p className="truncate text-slate-800">
            {state.syncing && online
              ? 'Synchronisation…'
              : `Synchro : ${state.lastSyncAt ? formatDateTime(state.lastSyncAt).replace(/\/\d{4}/, '') : 'jamais'}`}
          </p>
        </div>
        <button
          type="button"
          aria-label="Verrouiller"
          title="Verrouiller"
          onClick={() => setLocked(true)}
          className="flex size-12 shrink-0 items-center justify-center rounded-xl border-2 border-black"
        >
          <Icon name="lock" className="size-7" />
        </button>
      </div>
      <div className="px-3 pb-2">
        <button
          type="button"
          onClick={() => void syncEngine()?.syncNow()}
          disabled={state.syncing && online}
          className="min-h-12 w-full rounded-xl bg-emerald-900 text-lg font-bold text-white disabled:bg-slate-500"
        >
          {state.syncing && online ? 'Synchronisation…' : 'Synchroniser'}
        </button>
        {state.error && !state.syncing ? (
          <p className="mt-1 text-sm font-bold text-red-800">
            {online
              ? 'Serveur injoignable, nouvel essai automatique.'
              : 'Pas de réseau : tout reste sur le téléphone.'}
          </p>
        ) : null}
      </div>
      {update && (state.pending !== 0 || formOpen) ? (
        <div role="status" className="flex items-center gap-2 bg-sky-800 px-3 py-2 text-white">
          <p className="flex-1 text-sm font-bold">
            Nouvelle version prête. Elle s'installera quand tout sera envoyé.
          </p>
          <button
            type="button"
            className="min-h-12 rounded-xl bg-white px-3 font-bold text-sky-900"
            onClick={() => {
              if (!formOpen || window.confirm('La commande en cours sera perdue. Mettre à jour ?'))
                applyUpdate();
            }}
          >
            Mettre à jour
          </button>
        </div>
      ) : null}
    </header>
  );
}

/** What the phone still has to send; nothing is claimed before the outbox was counted. */
function pendingLabel(pending: number | null): string {
  if (pending === null) return 'Envois : lecture…';
  return pending === 0 ? 'Tout est envoyé' : `${pending} en attente d'envoi`;
}
