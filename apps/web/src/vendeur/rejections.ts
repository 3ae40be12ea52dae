import type { OutboxEntry } from '@gapal/sync-client';
import { renderRejection } from '../lib/server-messages.ts';

/** Each change with its article, and the agreement of "refusé" that goes with it. */
const ACTIONS: Record<string, { label: string; refused: string }> = {
  create_order: { label: 'La création', refused: 'refusée' },
  update_order: { label: 'La modification', refused: 'refusée' },
  cancel_order: { label: "L'annulation", refused: 'refusée' },
  record_payment: { label: 'Le paiement', refused: 'refusé' },
  set_status: { label: 'Le changement de statut', refused: 'refusé' },
};

/** The server's refusal, said simply, with what the vendor can do about it. */
export function explainRejection(entry: Pick<OutboxEntry, 'name' | 'reason'>): {
  what: string;
  todo: string;
} {
  const action = ACTIONS[entry.name] ?? { label: 'Le changement', refused: 'refusé' };
  const refused = `${action.label} a été ${action.refused}`;
  // By code, from the app's French catalogue; the server's text for a code it does not know.
  const message = entry.reason ? renderRejection('fr', entry.reason) : 'refusé par le serveur';
  if (entry.name === 'record_payment') {
    return {
      what: `${refused} : ${message}.`,
      todo: 'Vérifiez l’argent reçu, puis encaissez à nouveau ou appelez le gestionnaire.',
    };
  }
  switch (entry.reason?.code) {
    case 'invalid_transition':
    case 'version_conflict':
      return {
        what: `${refused} : le gestionnaire a déjà pris la commande en charge (${message}).`,
        todo: 'Appelez le gestionnaire pour qu’il fasse le changement.',
      };
    case 'validation_error':
      return {
        what: `${refused} : ${message}.`,
        todo: 'Corrigez la commande puis enregistrez à nouveau.',
      };
    case 'not_found':
      return { what: `${refused} : commande introuvable.`, todo: 'Appelez le gestionnaire.' };
    default:
      return {
        what: `${refused} : ${message}.`,
        todo: 'Vérifiez la commande ou appelez le gestionnaire.',
      };
  }
}
