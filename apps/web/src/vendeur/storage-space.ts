import { useEffect, useState } from 'react';
import { afterFirstScreen } from './start-up.ts';

/** Below this much free space, or above this share used, an order may no longer fit. */
export const MIN_FREE_BYTES = 5 * 1024 * 1024;
export const MAX_USED_SHARE = 0.95;

export const STORAGE_FULL_WARNING =
  'Mémoire du téléphone presque pleine : cette commande risque de ne pas pouvoir être enregistrée. ' +
  'Synchronisez puis libérez de la place (photos, vidéos, applications) avant de la saisir.';

export const SAVE_FAILED_QUOTA =
  'Mémoire du téléphone pleine : la commande n’a pas pu être enregistrée. Rien n’est perdu, elle ' +
  'reste ici : libérez de la place (photos, vidéos) puis appuyez à nouveau sur « Enregistrer ».';

export const SAVE_FAILED =
  'La commande n’a pas pu être enregistrée sur le téléphone. Rien n’est perdu, elle reste ici : ' +
  'réessayez.';

/** Pure: true when what the browser reports leaves too little room for the next order. */
export function isNearlyFull(estimate: { usage?: number; quota?: number }): boolean {
  const quota = estimate.quota ?? 0;
  if (quota <= 0) return false;
  const usage = estimate.usage ?? 0;
  return quota - usage < MIN_FREE_BYTES || usage / quota > MAX_USED_SHARE;
}

/** What the browser says about this origin's storage; false when it cannot tell. */
export async function storageNearlyFull(): Promise<boolean> {
  try {
    const estimate = await navigator.storage?.estimate?.();
    return estimate ? isNearlyFull(estimate) : false;
  } catch {
    return false;
  }
}

/**
 * Checked once when the screen opens (on a reopen, once the orders list is shown): the warning
 * shows before anything is typed.
 */
export function useStorageNearlyFull(): boolean {
  const [full, setFull] = useState(false);
  useEffect(() => {
    let alive = true;
    const cancel = afterFirstScreen(() => {
      void storageNearlyFull().then((value) => {
        if (alive) setFull(value);
      });
    });
    return () => {
      alive = false;
      cancel();
    };
  }, []);
  return full;
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

/**
 * A write refused because the storage is full: IndexedDB's and localStorage's DOMException, or
 * Dexie's wrapper of it (its `inner` error).
 */
export function isQuotaError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current !== 'object') return false;
    if ('name' in current && typeof current.name === 'string' && QUOTA_NAMES.has(current.name)) return true;
    current = 'inner' in current ? current.inner : 'cause' in current ? current.cause : undefined;
  }
  return false;
}

/** What the order screen says when a save failed: a full phone is named as such. */
export function saveFailureMessage(error: unknown): string {
  return isQuotaError(error) ? SAVE_FAILED_QUOTA : SAVE_FAILED;
}
