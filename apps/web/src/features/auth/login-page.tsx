import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { FormError, fieldError, TextField } from '../../components/form.tsx';
import { LanguageSwitch } from '../../layout/language-switch.tsx';
import type { ApiError } from '../../lib/api-error.ts';
import { type MessageKey, useI18n } from '../../lib/i18n.ts';
import { lastEndReason } from '../../lib/session.ts';
import { useLogin } from './mutations.ts';

const SESSION_ERRORS = new Set(['account_disabled', 'device_revoked', 'refresh_token_reused']);

export function LoginPage() {
  const { t } = useI18n();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [endReason] = useState(lastEndReason);

  const error = login.error as ApiError | null;
  // A refusal that is about the account, not the typing, gets the same plain sentence as on expiry.
  const refusal = error && SESSION_ERRORS.has(error.code) ? error.code : null;
  const notice = refusal ?? (login.isIdle ? endReason : null);
  const isWarning = notice !== null && notice !== 'logout';

  return (
    <div className="flex min-h-screen items-center justify-center bg-gradient-to-br from-emerald-50 via-slate-50 to-slate-100 px-4">
      <main className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center text-center">
          <div
            className="mb-3 flex size-12 items-center justify-center rounded-xl bg-emerald-700 text-xl font-bold text-white shadow-md"
            aria-hidden="true"
          >
            G
          </div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{t('auth.title')}</h1>
          <p className="mt-1 text-sm text-slate-500">{t('auth.subtitle')}</p>
        </div>
        <form
          className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            login.mutate({ username, password });
          }}
        >
          {notice ? (
            <div
              role="alert"
              data-testid="session-notice"
              className={`rounded-md border px-3 py-2 text-sm ${isWarning ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-slate-200 bg-slate-50 text-slate-700'}`}
            >
              {t(`auth.ended.${notice}` as MessageKey)}
            </div>
          ) : null}
          {!refusal ? <FormError error={error} /> : null}
          <TextField
            label={t('auth.username')}
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            error={fieldError(error, 'username')}
          />
          <TextField
            label={t('auth.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={fieldError(error, 'password')}
          />
          <Button type="submit" variant="primary" className="w-full" isLoading={login.isPending}>
            {login.isPending ? t('auth.submitting') : t('auth.submit')}
          </Button>
        </form>
        <div className="mt-4 flex justify-center">
          <LanguageSwitch />
        </div>
      </main>
    </div>
  );
}
