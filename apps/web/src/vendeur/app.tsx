import { lazy, Suspense, useEffect } from 'react';
import { Router } from 'wouter';
import { LockScreen, LoginScreen } from './login.tsx';
import { getVendorSession, useVendorSession } from './session.ts';

const loadShell = () => import('./shell.tsx');
const Shell = lazy(() => loadShell().then((m) => ({ default: m.Shell })));
// Signed in (a reopened app): the app's file is needed at once, not after React's first render.
if (getVendorSession()) void loadShell();

export function VendorApp() {
  const { session, locked } = useVendorSession();
  // The signed-in app downloads while the vendor types (first visit) or reads the lock screen.
  useEffect(() => {
    void loadShell();
  }, []);
  if (!session) return <LoginScreen />;
  if (locked) return <LockScreen />;
  return (
    <Router base="/vendeur">
      <Suspense fallback={<p className="p-4 text-lg">Chargement…</p>}>
        <Shell />
      </Suspense>
    </Router>
  );
}
