import { useSyncExternalStore } from 'react';
import { en } from './messages/en.ts';
import { fr, type MessageKey } from './messages/fr.ts';

export type Locale = 'fr' | 'en';
export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { fr, en };
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

/** Translates outside React (the API client's messages); components use `useI18n`. */
export const t: Translate = (key, vars) => {
  const template = DICTIONARIES[locale][key] ?? fr[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
};

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders the caller when the language changes. */
export function useI18n(): { t: Translate; locale: Locale; setLocale: (next: Locale) => void } {
  const current = useSyncExternalStore(subscribe, getLocale);
  return { t, locale: current, setLocale };
}
