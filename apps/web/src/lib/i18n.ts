import { useSyncExternalStore } from 'react';
import { getLocale, type Locale, setLocale, subscribeLocale } from './locale.ts';
import { en } from './messages/en.ts';
import { fr, type MessageKey } from './messages/fr.ts';

export type { MessageKey };
export { getLocale, type Locale, setLocale };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { fr, en };

/** Translates outside React (the API client's messages); components use `useI18n`. */
export const t: Translate = (key, vars) => {
  const template = DICTIONARIES[getLocale()][key] ?? fr[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
};

/** Re-renders the caller when the language changes. */
export function useI18n(): { t: Translate; locale: Locale; setLocale: (next: Locale) => void } {
  const current = useSyncExternalStore(subscribeLocale, getLocale);
  return { t, locale: current, setLocale };
}
