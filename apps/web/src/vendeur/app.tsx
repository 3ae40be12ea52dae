import { Router } from 'wouter';
import { LockScreen, LoginScreen } from './login.tsx';
import { useVendorSession } from './session.ts';
import { Shell } from './shell.tsx';

/** The whole app is one script (see vite.vendor.config.ts): the signed-in screens need no download. */
export function VendorApp() {
  const { session, locked } = useVendorSession();
  if (!session) return <LoginScreen />;
  if (locked) return <LockScreen />;
  return (
    <Router base="/vendeur">
      <Shell />
    </Router>
  );
}
