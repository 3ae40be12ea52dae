import { useSyncExternalStore } from 'react';

/**
 * Service worker life: a new version waits (`waiting`) until the page applies it, which the app
 * does only when the outbox is empty and no form is open, or when the vendor says yes.
 */
let waiting: ServiceWorker | null = null;
const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  // After the page's own files: on a first visit over 2G the worker's install then finds them in
  // the HTTP cache instead of competing with them for the link (and downloading them again).
  if (document.readyState !== 'complete') {
    window.addEventListener('load', registerServiceWorker, { once: true });
    return;
  }
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only ever after our own SKIP_WAITING: the page asked for the new version.
    if (reloading || !applying) return;
    reloading = true;
    window.location.reload();
  });
  void navigator.serviceWorker
    .register('/vendeur/sw.js', { scope: '/vendeur/' })
    .then((registration) => {
      const track = (worker: ServiceWorker | null) => {
        if (!worker) return;
        worker.addEventListener('statechange', () => {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) {
            waiting = worker;
            emit();
          }
        });
      };
      if (registration.waiting && navigator.serviceWorker.controller) {
        waiting = registration.waiting;
        emit();
      }
      track(registration.installing);
      registration.addEventListener('updatefound', () => track(registration.installing));
      // A phone left open for days still learns about new versions.
      setInterval(() => void registration.update().catch(() => undefined), 30 * 60_000);
    })
    .catch(() => undefined);
}

let applying = false;

export function applyUpdate(): void {
  if (!waiting) return;
  applying = true;
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

export function useUpdateAvailable(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => waiting !== null,
  );
}

/** Asks the browser not to evict the outbox under storage pressure. */
export async function askPersistentStorage(): Promise<boolean> {
  try {
    if (!navigator.storage?.persist) return false;
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}
