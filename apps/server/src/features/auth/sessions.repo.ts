import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { refreshTokens } from '../../db/schema.ts';

/**
 * Sessions: refresh tokens stored as SHA-256, grouped in a family per login and device (the
 * access token's `sid`). A session is live while its family has a token not revoked.
 */
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export async function insertRefreshToken(
  tx: Db,
  token: { familyId: string; userId: string; deviceId: string | null; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await tx.insert(refreshTokens).values(token);
}

/** The token with this hash, locked for its rotation. */
export async function lockRefreshToken(tx: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  const [row] = await tx
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .for('update');
  return row;
}

export async function findRefreshTokenFamily(
  db: Db,
  tokenHash: string,
): Promise<{ familyId: string; userId: string } | undefined> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId, userId: refreshTokens.userId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash));
  return row;
}

/** A retry keeps the first rotation's time, so callers mark a token only once. */
export async function markRefreshTokenRotated(tx: Db, id: string, at: Date): Promise<void> {
  await tx.update(refreshTokens).set({ rotatedAt: at }).where(eq(refreshTokens.id, id));
}

/** Ends one session (a token family). */
export async function revokeFamily(tx: Db, familyId: string): Promise<void> {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Ends every session of a user, of a device, or of a user on a device. */
export async function revokeSessions(tx: Db, of: { userId?: string; deviceId?: string }): Promise<void> {
  if (!of.userId && !of.deviceId) throw new Error('revokeSessions: a user or a device is required');
  await tx
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(
        of.userId ? eq(refreshTokens.userId, of.userId) : undefined,
        of.deviceId ? eq(refreshTokens.deviceId, of.deviceId) : undefined,
        isNull(refreshTokens.revokedAt),
      ),
    );
}
