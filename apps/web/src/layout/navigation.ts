import type { Permission } from '@gapal/shared';
import type { IconName } from '../components/icons.tsx';
import type { MessageKey } from '../lib/i18n.ts';

export type NavItem = {
  href: string;
  label: MessageKey;
  icon: IconName;
  /** Hidden from roles without it; `null` for every signed-in user. */
  permission: Permission | null;
  section: 'main' | 'admin';
};

export const NAV_ITEMS: NavItem[] = [
  { href: '/', label: 'nav.home', icon: 'home', permission: null, section: 'main' },
  { href: '/commandes', label: 'nav.orders', icon: 'orders', permission: 'orders.read', section: 'main' },
  {
    href: '/commandes/nouvelle',
    label: 'nav.new_order',
    icon: 'plus',
    permission: 'orders.create',
    section: 'main',
  },
  { href: '/clients', label: 'nav.clients', icon: 'clients', permission: 'clients.read', section: 'main' },
  { href: '/produits', label: 'nav.products', icon: 'products', permission: 'catalog.read', section: 'main' },
  { href: '/stock', label: 'nav.stock', icon: 'stock', permission: 'stock.read', section: 'main' },
  { href: '/rapports', label: 'nav.reports', icon: 'reports', permission: 'reports.stock', section: 'main' },
  {
    href: '/admin/utilisateurs',
    label: 'nav.users',
    icon: 'users',
    permission: 'users.manage',
    section: 'admin',
  },
  { href: '/admin/sites', label: 'nav.sites', icon: 'sites', permission: 'sites.manage', section: 'admin' },
  {
    href: '/admin/appareils',
    label: 'nav.devices',
    icon: 'devices',
    permission: 'devices.manage',
    section: 'admin',
  },
  { href: '/admin/audit', label: 'nav.audit', icon: 'audit', permission: 'audit.read', section: 'admin' },
];
