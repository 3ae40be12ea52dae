/**
 * The interface language, without the message catalogs (i18n.ts has them): `format.ts` reads it,
 * and the vendor app, which is French only, formats dates without downloading the dashboard's
 * messages.
 */
export type Locale = 'fr' | 'en';

const STORAGE_KEY = 'gapal.locale';

let locale: Locale = localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'fr';
const listeners = new Set<() => void>();

export function getLocale(): Locale {
  return locale;
}

export function setLocale(next: Locale): void {
  locale = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function subscribeLocale(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
