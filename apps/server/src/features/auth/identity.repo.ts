import type { Role } from '@gapal/shared';
import { type Db, queryPrepared } from '../../db/client.ts';

/** What an access token's user, device and session are now, read for every request. */
export type IdentityRow = {
  id: string;
  username: string;
  role: Role;
  site_id: string | null;
  is_active: boolean;
  device_active: boolean;
  session_active: boolean;
};

/**
 * One prepared statement reads all three (a device id that matches no row reads as revoked; a
 * session is live while its refresh-token family has a token not revoked; no session id: no check).
 */
export async function readIdentity(
  db: Db,
  userId: string,
  deviceId: string | null,
  sessionId: string | null,
): Promise<IdentityRow | undefined> {
  const [found] = await queryPrepared<IdentityRow>(db, 'auth_identity', IDENTITY_SQL, [
    userId,
    deviceId,
    sessionId,
  ]);
  return found;
}

const IDENTITY_SQL = `
SELECT u.id, u.username, u.role, u.site_id, u.is_active,
  EXISTS (SELECT 1 FROM devices d WHERE d.id = $2::uuid AND d.revoked_at IS NULL) AS device_active,
  ($3::uuid IS NULL OR EXISTS (
    SELECT 1 FROM refresh_tokens r WHERE r.family_id = $3::uuid AND r.revoked_at IS NULL
  )) AS session_active
FROM users u WHERE u.id = $1::uuid`;
