import { type ReactNode, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { Icon } from '../components/icons.tsx';
import { useLogout } from '../features/auth/mutations.ts';
import { NotificationBell } from '../features/notifications/notification-bell.tsx';
import { useI18n } from '../lib/i18n.ts';
import { can } from '../lib/permissions.ts';
import { useSession } from '../lib/session.ts';
import { LanguageSwitch } from './language-switch.tsx';
import { NAV_ITEMS, type NavItem } from './navigation.ts';

function isCurrent(item: NavItem, location: string): boolean {
  if (item.href === '/') return location === '/';
  if (item.href === '/commandes')
    return location === '/commandes' || /^\/commandes\/(?!nouvelle)/.test(location);
  return location === item.href || location.startsWith(`${item.href}/`);
}

function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [location] = useLocation();
  const role = session?.user.role;
  const visible = NAV_ITEMS.filter((item) => item.permission === null || can(role, item.permission));
  const sections: { key: NavItem['section']; title?: string }[] = [
    { key: 'main' },
    { key: 'admin', title: t('nav.admin') },
  ];
  return (
    <nav aria-label={t('nav.main')} className="flex flex-1 flex-col gap-6 px-3 py-4">
      {sections.map((section) => {
        const items = visible.filter((item) => item.section === section.key);
        if (items.length === 0) return null;
        return (
          <div key={section.key}>
            {section.title ? (
              <p className="mb-1.5 px-3 text-[11px] font-semibold tracking-wider text-slate-400 uppercase">
                {section.title}
              </p>
            ) : null}
            <ul className="space-y-0.5">
              {items.map((item) => {
                const current = isCurrent(item, location);
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      onClick={onNavigate}
                      aria-current={current ? 'page' : undefined}
                      className={`flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors ${
                        current
                          ? 'bg-emerald-600/15 text-white ring-1 ring-emerald-500/30 ring-inset'
                          : 'text-slate-300 hover:bg-slate-800 hover:text-white'
                      }`}
                    >
                      <Icon
                        name={item.icon}
                        className={`size-5 ${current ? 'text-emerald-400' : 'text-slate-400'}`}
                      />
                      {t(item.label)}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}

function Brand() {
  const { t } = useI18n();
  return (
    <div className="flex h-14 items-center gap-2.5 border-b border-slate-800 px-5">
      <div
        className="flex size-8 items-center justify-center rounded-lg bg-emerald-600 font-bold text-white"
        aria-hidden="true"
      >
        G
      </div>
      <div className="leading-tight">
        <p className="text-sm font-semibold text-white">Gapal du Faso</p>
        <p className="text-[11px] text-slate-400">{t('app.tagline')}</p>
      </div>
    </div>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const session = useSession();
  const logout = useLogout();
  const [isMenuOpen, setMenuOpen] = useState(false);
  const user = session?.user;

  return (
    <div className="min-h-screen bg-slate-50">
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-60 flex-col bg-slate-900 lg:flex print:hidden">
        <Brand />
        <Sidebar />
        <div className="border-t border-slate-800 px-5 py-3">
          <LanguageSwitch dark />
        </div>
      </aside>

      {isMenuOpen ? (
        <div className="fixed inset-0 z-40 lg:hidden print:hidden">
          <button
            type="button"
            aria-label={t('common.close')}
            className="absolute inset-0 bg-slate-900/50"
            onClick={() => setMenuOpen(false)}
          />
          <aside className="relative flex h-full w-64 flex-col bg-slate-900">
            <Brand />
            <Sidebar onNavigate={() => setMenuOpen(false)} />
            <div className="border-t border-slate-800 px-5 py-3">
              <LanguageSwitch dark />
            </div>
          </aside>
        </div>
      ) : null}

      <div className="lg:pl-60 print:pl-0">
        <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-slate-200 bg-white/95 px-4 backdrop-blur sm:px-6 print:hidden">
          <button
            type="button"
            className="rounded-md p-1.5 text-slate-600 hover:bg-slate-100 lg:hidden"
            aria-label={t('nav.menu')}
            aria-expanded={isMenuOpen}
            onClick={() => setMenuOpen(true)}
          >
            <Icon name="menu" />
          </button>
          <p className="hidden text-sm text-slate-500 sm:block">
            {user?.site_name ? (
              <>
                <Icon name="sites" className="mr-1.5 inline size-4 align-[-3px] text-slate-400" />
                {user.site_name}
              </>
            ) : null}
          </p>
          <div className="ml-auto flex items-center gap-2">
            <NotificationBell />
            <div className="hidden text-right leading-tight sm:block" data-testid="current-user">
              <p className="text-sm font-medium text-slate-900">{user?.full_name}</p>
              <p className="text-xs text-slate-500">{user ? t(`role.${user.role}`) : ''}</p>
            </div>
            <div
              className="flex size-8 items-center justify-center rounded-full bg-emerald-100 text-xs font-semibold text-emerald-800"
              aria-hidden="true"
            >
              {initials(user?.full_name ?? '')}
            </div>
            <button
              type="button"
              onClick={() => logout.mutate()}
              className="ml-1 inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            >
              <Icon name="logout" className="size-4" />
              <span className="hidden md:inline">{t('auth.logout')}</span>
              <span className="sr-only md:hidden">{t('auth.logout')}</span>
            </button>
          </div>
        </header>
        <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6 print:max-w-none print:p-0">{children}</main>
      </div>
    </div>
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');
}
