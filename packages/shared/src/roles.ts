import { z } from 'zod';

export const ROLES = ['vendeur', 'gestionnaire_commandes', 'gestionnaire_stocks', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

const ALL: readonly Role[] = ROLES;

/**
 * The permission table: every API route declares one of these, and only the roles
 * listed may call it. Site scoping is applied on top by the services.
 */
export const PERMISSIONS = {
  'users.manage': ['admin'],
  'sites.read': ALL,
  'sites.manage': ['admin'],
  'devices.manage': ['admin'],
  'audit.read': ['admin'],
  'catalog.read': ALL,
  'catalog.write': ['gestionnaire_stocks', 'admin'],
  'stock.read': ALL,
  'stock.write': ['gestionnaire_stocks', 'admin'],
  /** The movement ledger; others read stock levels (of their own site) through `stock.read`. */
  'stock.ledger.read': ['gestionnaire_stocks', 'admin'],
  'orders.read': ['vendeur', 'gestionnaire_commandes', 'admin'],
  'orders.create': ['vendeur', 'gestionnaire_commandes', 'admin'],
  'orders.manage': ['gestionnaire_commandes', 'admin'],
  /** Recording a payment: vendors too, on their own orders only (checked by the service). */
  'orders.payment': ['vendeur', 'gestionnaire_commandes', 'admin'],
  /** The client directory of the caller's site (issue #27). */
  'clients.read': ['vendeur', 'gestionnaire_commandes', 'admin'],
  /** Vendors add clients (on the phone, offline too); editing and deactivating is the managers'. */
  'clients.create': ['vendeur', 'gestionnaire_commandes', 'admin'],
  'clients.write': ['gestionnaire_commandes', 'admin'],
  'clients.merge': ['admin'],
  'reports.read': ['gestionnaire_commandes', 'admin'],
  /** Stock reports (stock at a date, expiring lots, losses); order reports stay `reports.read`. */
  'reports.stock': ['gestionnaire_commandes', 'gestionnaire_stocks', 'admin'],
  'sync.use': ALL,
  'notifications.read': ALL,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
