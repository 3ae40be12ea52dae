import { type Locale, useI18n } from '../lib/i18n.ts';

export function LanguageSwitch({ dark = false }: { dark?: boolean }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <fieldset className="flex items-center gap-1 text-xs">
      <legend className="sr-only">{t('auth.language')}</legend>
      {(['fr', 'en'] as Locale[]).map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={locale === option}
          onClick={() => setLocale(option)}
          className={`rounded px-2 py-1 font-medium uppercase ${
            locale === option
              ? dark
                ? 'bg-slate-700 text-white'
                : 'bg-slate-200 text-slate-900'
              : dark
                ? 'text-slate-400 hover:text-white'
                : 'text-slate-500 hover:text-slate-900'
          }`}
        >
          {option}
        </button>
      ))}
    </fieldset>
  );
}
