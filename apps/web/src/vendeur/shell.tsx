import { memo, useEffect } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { Icon, type IconName } from '../components/icons.tsx';
import { CatalogScreen as Catalog } from './catalog.tsx';
import { OrderWizard } from './order-wizard.tsx';
import { OrdersScreen } from './orders.tsx';
import { askPersistentStorage } from './pwa.ts';
import { afterFirstScreen } from './start-up.ts';
import { StatusBar } from './status-bar.tsx';
import { useStorageNearlyFull } from './storage-space.ts';
import { syncEngine } from './sync.ts';

/**
 * The orders list renders for its own reads and the orders just saved, not again for each route
 * change of the shell around it (a save changes the route): it has no props.
 */
const Orders = memo(OrdersScreen);

/** The signed-in app: status bar, screens and navigation; the sync engine runs while it is shown. */
export function Shell() {
  const storageFull = useStorageNearlyFull();
  const [location] = useLocation();
  // The order form says it in its own words (an order may not be saved): one warning at a time.
  const formOpen = location.startsWith('/nouvelle') || location.endsWith('/modifier');
  const ordersShown = /^\/commandes\/?$/.test(location);
  useEffect(() => {
    const engine = syncEngine();
    const cancel = afterFirstScreen(() => {
      engine?.start();
      void askPersistentStorage();
    });
    return () => {
      cancel();
      engine?.stop();
    };
  }, []);
  return (
    <div className="mx-auto flex min-h-dvh max-w-xl flex-col bg-white">
      <StatusBar />
      {storageFull && !formOpen ? (
        <p role="alert" className="bg-amber-300 px-3 py-2 text-base font-bold text-black">
          Mémoire du téléphone presque pleine : synchronisez puis libérez de la place (photos, vidéos).
        </p>
      ) : null}
      <main className="flex-1 px-3 pt-3 pb-28">
        <Switch>
          <Route path="/">
            <Redirect to="/commandes" replace />
          </Route>
          <Route path="/catalogue" component={Catalog} />
          <Route path="/nouvelle">{() => <OrderWizard />}</Route>
          <Route path="/commandes/:localId/modifier">
            {(params) => <OrderWizard editLocalId={params.localId} />}
          </Route>
          <Route path="/commandes">{null}</Route>
          <Route>
            <Redirect to="/commandes" replace />
          </Route>
        </Switch>
        {/* Always mounted, hidden under the other screens (after them: the screen shown comes
            first on the page): a save adds one card to a list already read and rendered. */}
        <div hidden={!ordersShown}>
          <Orders />
        </div>
      </main>
      <BottomNav />
    </div>
  );
}

function BottomNav() {
  const [location] = useLocation();
  const items = [
    { to: '/commandes', label: 'Commandes', icon: 'orders' },
    { to: '/nouvelle', label: 'Nouvelle', icon: 'plus' },
    { to: '/catalogue', label: 'Catalogue', icon: 'products' },
  ] satisfies { to: string; label: string; icon: IconName }[];
  return (
    <nav
      aria-label="Navigation"
      className="fixed inset-x-0 bottom-0 z-20 mx-auto grid max-w-xl grid-cols-3 border-t-2 border-black bg-white"
    >
      {items.map((item) => {
        const active = location === item.to || location.startsWith(`${item.to}/`);
        return (
          <Link
            key={item.to}
            href={item.to}
            aria-current={active ? 'page' : undefined}
            className={`flex min-h-16 flex-col items-center justify-center text-base font-bold ${
              active ? 'bg-emerald-900 text-white' : 'text-black'
            }`}
          >
            <Icon name={item.icon} className="size-7" />
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
