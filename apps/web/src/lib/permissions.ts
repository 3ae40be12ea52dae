import { type Permission, type Role, roleHasPermission } from '@gapal/shared';
import { useSession } from './session.ts';

/** Whether the signed-in user's role holds a permission. UI only: the server checks again. */
export function useCan(permission: Permission): boolean {
  const session = useSession();
  return session ? roleHasPermission(session.user.role, permission) : false;
}

export function can(role: Role | undefined, permission: Permission): boolean {
  return role ? roleHasPermission(role, permission) : false;
}
