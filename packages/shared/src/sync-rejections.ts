/**
 * The sync protocol's own refusal codes (a rejected mutation's `reason.code`), besides the API's
 * error codes (`validation_error`, `invalid_transition`…), with the French text the server sends.
 * A rejected mutation is stored and advances the device's sequence, except the two about the
 * sequence or the id themselves (`seq_out_of_order`, `mutation_id_conflict`).
 */
export const SYNC_REJECT_MESSAGES = {
  unknown_mutation: 'Mutation inconnue',
  seq_out_of_order: 'Numéro de séquence déjà dépassé',
  mutation_id_conflict: 'Cet identifiant de mutation est déjà utilisé par un autre appareil',
  /** The database refused this mutation's own data (a value it cannot store, a rule it enforces). */
  data_rejected:
    'Le serveur n’a pas pu enregistrer ces données : ce changement est refusé, les suivants continuent',
  /** A fault of the server while applying this one mutation (a bug): refused rather than jamming the phone. */
  mutation_failed:
    'Erreur du serveur en appliquant ce changement : il est refusé, les suivants continuent. Prévenez le gestionnaire',
} as const;

export type SyncRejectCode = keyof typeof SYNC_REJECT_MESSAGES;
