import type { Permission } from '@gapal/shared';
import { PublicSettingsSchema } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { Link, Route, Switch } from 'wouter';
import { Spinner } from './components/button.tsx';
import { ToastViewport } from './components/toast.tsx';
import { LoginPage } from './features/auth/login-page.tsx';
import { meQuery } from './features/auth/queries.ts';
import { AppShell } from './layout/app-shell.tsx';
import { apiRequest } from './lib/api-client.ts';
import { useI18n } from './lib/i18n.ts';
import { useCan } from './lib/permissions.ts';
import { useRealtimeConnection } from './lib/realtime-socket.ts';
import { useSession } from './lib/session.ts';
import { applySettings } from './lib/settings.ts';

// Each screen is its own chunk: the first load carries only the shell and the login.
const HomePage = lazy(() => import('./features/home/home-page.tsx').then((m) => ({ default: m.HomePage })));
const UsersPage = lazy(() =>
  import('./features/users/users-page.tsx').then((m) => ({ default: m.UsersPage })),
);
const SitesPage = lazy(() =>
  import('./features/sites/sites-page.tsx').then((m) => ({ default: m.SitesPage })),
);
const DevicesPage = lazy(() =>
  import('./features/devices/devices-page.tsx').then((m) => ({ default: m.DevicesPage })),
);
const OrdersPage = lazy(() =>
  import('./features/orders/orders-page.tsx').then((m) => ({ default: m.OrdersPage })),
);
const NewOrderPage = lazy(() =>
  import('./features/orders/new-order-page.tsx').then((m) => ({ default: m.NewOrderPage })),
);
const EditOrderPage = lazy(() =>
  import('./features/orders/edit-order-page.tsx').then((m) => ({ default: m.EditOrderPage })),
);
const OrderDetailPage = lazy(() =>
  import('./features/orders/order-detail-page.tsx').then((m) => ({ default: m.OrderDetailPage })),
);
const DeliveryNotePage = lazy(() =>
  import('./features/orders/delivery-note-page.tsx').then((m) => ({ default: m.DeliveryNotePage })),
);
const ClientsPage = lazy(() =>
  import('./features/clients/clients-page.tsx').then((m) => ({ default: m.ClientsPage })),
);
const ClientDetailPage = lazy(() =>
  import('./features/clients/client-detail-page.tsx').then((m) => ({ default: m.ClientDetailPage })),
);
const ProductsPage = lazy(() =>
  import('./features/products/products-page.tsx').then((m) => ({ default: m.ProductsPage })),
);
const StockPage = lazy(() =>
  import('./features/stock/stock-page.tsx').then((m) => ({ default: m.StockPage })),
);
const ReportsPage = lazy(() =>
  import('./features/reports/reports-page.tsx').then((m) => ({ default: m.ReportsPage })),
);
const AuditPage = lazy(() =>
  import('./features/audit/audit-page.tsx').then((m) => ({ default: m.AuditPage })),
);

function useSettings(): void {
  useQuery({
    queryKey: ['settings'],
    queryFn: async () => {
      const settings = await apiRequest('/api/settings/', { schema: PublicSettingsSchema, anonymous: true });
      applySettings(settings);
      return settings;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

function PageFallback() {
  const { t } = useI18n();
  return (
    <div className="flex h-64 items-center justify-center text-slate-400" role="status">
      <Spinner className="size-6" />
      <span className="sr-only">{t('common.loading')}</span>
    </div>
  );
}

/** Hides a screen from roles that can't use it; the server refuses them anyway. */
function Guard({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { t } = useI18n();
  const allowed = useCan(permission);
  if (!allowed) {
    return (
      <div className="rounded-lg border border-amber-200 bg-amber-50 p-6 text-sm text-amber-900" role="alert">
        {t('common.forbidden')}
      </div>
    );
  }
  return <>{children}</>;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <div className="py-16 text-center">
      <h1 className="text-xl font-semibold text-slate-900">{t('common.page_not_found')}</h1>
      <p className="mt-2 text-sm text-slate-500">{t('common.page_not_found_hint')}</p>
      <Link href="/" className="mt-4 inline-block text-sm font-medium text-emerald-700 hover:underline">
        {t('common.go_home')}
      </Link>
    </div>
  );
}

function SignedInApp() {
  // Keeps the session honest: a deactivated account or revoked device ends here within a minute.
  useQuery(meQuery());
  useRealtimeConnection();
  return (
    <AppShell>
      <Suspense fallback={<PageFallback />}>
        <Switch>
          <Route path="/">
            <HomePage />
          </Route>
          <Route path="/commandes">
            <Guard permission="orders.read">
              <OrdersPage />
            </Guard>
          </Route>
          <Route path="/commandes/nouvelle">
            <Guard permission="orders.create">
              <NewOrderPage />
            </Guard>
          </Route>
          <Route path="/commandes/:id/modifier">
            {(params) => (
              <Guard permission="orders.create">
                <EditOrderPage id={params.id} />
              </Guard>
            )}
          </Route>
          <Route path="/commandes/:id/bon">
            {(params) => (
              <Guard permission="orders.read">
                <DeliveryNotePage id={params.id} />
              </Guard>
            )}
          </Route>
          <Route path="/commandes/:id">
            {(params) => (
              <Guard permission="orders.read">
                <OrderDetailPage id={params.id} />
              </Guard>
            )}
          </Route>
          <Route path="/clients">
            <Guard permission="clients.read">
              <ClientsPage />
            </Guard>
          </Route>
          <Route path="/clients/:id">
            {(params) => (
              <Guard permission="clients.read">
                <ClientDetailPage id={params.id} />
              </Guard>
            )}
          </Route>
          <Route path="/produits">
            <Guard permission="catalog.read">
              <ProductsPage />
            </Guard>
          </Route>
          <Route path="/stock">
            <Guard permission="stock.read">
              <StockPage />
            </Guard>
          </Route>
          <Route path="/rapports">
            <Guard permission="reports.stock">
              <ReportsPage />
            </Guard>
          </Route>
          <Route path="/admin/utilisateurs">
            <Guard permission="users.manage">
              <UsersPage />
            </Guard>
          </Route>
          <Route path="/admin/sites">
            <Guard permission="sites.manage">
              <SitesPage />
            </Guard>
          </Route>
          <Route path="/admin/appareils">
            <Guard permission="devices.manage">
              <DevicesPage />
            </Guard>
          </Route>
          <Route path="/admin/audit">
            <Guard permission="audit.read">
              <AuditPage />
            </Guard>
          </Route>
          <Route>
            <NotFound />
          </Route>
        </Switch>
      </Suspense>
    </AppShell>
  );
}

export function App() {
  useSettings();
  const session = useSession();
  return (
    <>
      {session ? <SignedInApp /> : <LoginPage />}
      <ToastViewport />
    </>
  );
}
