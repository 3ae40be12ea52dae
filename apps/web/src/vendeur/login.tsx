import { claimForUser, UnsentOrdersError } from '@gapal/sync-client';
import { type FormEvent, useState } from 'react';
import { LoginError, login, logout, sessionEndNotice, unlock, useVendorSession } from './session.ts';
import { db, syncEngine } from './sync.ts';
import { BigButton, Field, inputClass } from './ui.tsx';

function Brand({ subtitle }: { subtitle: string }) {
  return (
    <div className="mb-6 flex items-center gap-3">
      <img src="/vendeur/icon.svg" alt="" className="size-14" />
      <div>
        <h1 className="text-2xl font-black">Gapal Vendeur</h1>
        <p className="text-base text-slate-800">{subtitle}</p>
      </div>
    </div>
  );
}

export function LoginScreen() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [endNotice] = useState(sessionEndNotice);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password, async (user) => {
        try {
          await claimForUser(db, user.id);
        } catch (refused) {
          if (!(refused instanceof UnsentOrdersError)) throw refused;
          throw new LoginError(
            `${refused.count === 1 ? '1 commande du vendeur précédent n’est' : `${refused.count} commandes du vendeur précédent ne sont`} pas encore envoyée${refused.count === 1 ? '' : 's'}. ` +
              'Il doit se reconnecter sur ce téléphone pour les envoyer (réseau requis).',
          );
        }
      });
      // The first sync (the catalog, to work offline) starts now, not once the app has rendered.
      syncEngine()?.start();
    } catch (caught) {
      setError(caught instanceof LoginError ? caught.message : 'Connexion impossible, réessayez.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="mx-auto max-w-md p-4">
      <Brand subtitle="Connexion (une seule fois, avec du réseau)" />
      {endNotice && !error ? (
        <p
          role="status"
          data-testid="session-notice"
          className="mb-4 rounded-xl bg-amber-200 p-3 text-base font-bold text-black"
        >
          {endNotice}
        </p>
      ) : null}
      <form onSubmit={submit} className="space-y-4">
        <Field label="Identifiant">
          <input
            className={inputClass}
            autoComplete="username"
            autoCapitalize="none"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            required
          />
        </Field>
        <Field label="Mot de passe">
          <input
            className={inputClass}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        </Field>
        {error ? (
          <p role="alert" className="rounded-xl bg-red-100 p-3 text-base font-bold text-red-900">
            {error}
          </p>
        ) : null}
        <BigButton type="submit" className="w-full" disabled={busy}>
          {busy ? 'Connexion…' : 'Se connecter'}
        </BigButton>
      </form>
    </main>
  );
}

export function LockScreen() {
  const { session } = useVendorSession();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!(await unlock(password))) setError('Mot de passe incorrect.');
  };
  // The outbox belongs to the phone, not to a vendor: orders not yet sent would leave under the
  // next vendor's name. So they must be sent first, by their own vendor.
  const switchUser = async () => {
    const unsent = await db.outbox.where('status').equals('pending').count();
    if (unsent > 0) {
      setError(
        `${unsent === 1 ? '1 commande n’est' : `${unsent} commandes ne sont`} pas encore envoyée${unsent === 1 ? '' : 's'}. ` +
          'Déverrouillez avec votre mot de passe et envoyez-les (réseau requis) avant de changer d’utilisateur.',
      );
      return;
    }
    if (window.confirm('Se déconnecter ? Il faudra du réseau pour se reconnecter.')) void logout();
  };
  return (
    <main className="mx-auto max-w-md p-4">
      <Brand subtitle={`Verrouillé — ${session?.user.full_name ?? ''}`} />
      <form onSubmit={submit} className="space-y-4">
        <Field label="Mot de passe pour déverrouiller">
          <input
            className={inputClass}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        </Field>
        {error ? (
          <p role="alert" className="rounded-xl bg-red-100 p-3 text-base font-bold text-red-900">
            {error}
          </p>
        ) : null}
        <BigButton type="submit" className="w-full">
          Déverrouiller
        </BigButton>
        <BigButton tone="secondary" className="w-full" onClick={() => void switchUser()}>
          Changer d'utilisateur
        </BigButton>
      </form>
    </main>
  );
}
