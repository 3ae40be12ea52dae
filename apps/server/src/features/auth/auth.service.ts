import type { LoginInput, Me, TokenPair } from '@gapal/shared';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices, refreshTokens, sites, users } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import { publishSessionEnds, type SessionEnd } from '../../realtime/session-end.ts';
import { type AuditSource, recordAudit } from '../audit/audit.service.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { hashRefreshToken, newRefreshToken } from './tokens.ts';

type UserRow = typeof users.$inferSelect;

export async function login(
  deps: AppDeps,
  limiter: LoginLimiter,
  input: LoginInput & { device_serial?: string },
  source: AuditSource,
): Promise<TokenPair> {
  const key = input.username.toLowerCase();
  const wait = await limiter.retryAfterSeconds(key);
  if (wait > 0) {
    throw new AppError('rate_limited', 'Trop de tentatives de connexion, réessayez plus tard', {
      retry_after_seconds: wait,
    });
  }
  const [user] = await deps.db.select().from(users).where(sql`lower(${users.username}) = ${key}`);
  const isValid = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyAgainstDummy(input.password);
  if (!user || !isValid) {
    await limiter.recordFailure(key);
    // Same answer for an unknown user and a wrong password.
    throw new AppError('invalid_credentials', 'Identifiant ou mot de passe incorrect');
  }
  await limiter.reset(key);
  if (!user.isActive) throw new AppError('account_disabled', 'Ce compte est désactivé');

  return deps.db.transaction(async (tx) => {
    const deviceId = input.device_serial
      ? await registerDevice(tx, user, input.device_serial, input.device_name)
      : null;
    await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
    const pair = await issueTokens(tx, deps, user, deviceId, crypto.randomUUID());
    await recordAudit(
      tx,
      { ...source, userId: user.id, deviceId },
      { action: 'auth.login', entity: 'user', entityId: user.id, siteId: user.siteId },
    );
    return pair;
  });
}

/** A device registers itself at login with its serial; a revoked one is refused. */
async function registerDevice(tx: Db, user: UserRow, serial: string, name?: string): Promise<string> {
  const [existing] = await tx.select().from(devices).where(eq(devices.serial, serial)).for('update');
  if (existing) {
    if (existing.revokedAt) throw new AppError('device_revoked', 'Cet appareil a été révoqué');
    if (user.role !== 'admin' && existing.siteId !== user.siteId) {
      throw new AppError('forbidden', 'Cet appareil est rattaché à un autre site');
    }
    await tx
      .update(devices)
      .set({ userId: user.id, lastSeenAt: new Date(), ...(name ? { name } : {}) })
      .where(eq(devices.id, existing.id));
    return existing.id;
  }
  const siteId = user.siteId ?? (await defaultSiteId(tx));
  const [created] = await tx
    .insert(devices)
    .values({ serial, name: name ?? serial, siteId, userId: user.id, lastSeenAt: new Date() })
    .returning({ id: devices.id });
  return created!.id;
}

export async function defaultSiteId(db: Db): Promise<string> {
  const [site] = await db
    .select({ id: sites.id })
    .from(sites)
    .where(eq(sites.isActive, true))
    .orderBy(asc(sites.createdAt))
    .limit(1);
  if (!site) throw new AppError('conflict', 'Aucun site actif');
  return site.id;
}

async function issueTokens(
  tx: Db,
  deps: AppDeps,
  user: UserRow,
  deviceId: string | null,
  familyId: string,
): Promise<TokenPair> {
  const refresh = newRefreshToken();
  const expiresAt = new Date(Date.now() + deps.config.refreshTokenTtlDays * 86_400_000);
  await tx
    .insert(refreshTokens)
    .values({ familyId, userId: user.id, deviceId, tokenHash: refresh.hash, expiresAt });
  const accessToken = await deps.signer.signAccess({
    userId: user.id,
    role: user.role,
    siteId: user.siteId,
    deviceId,
    sessionId: familyId,
  });
  return {
    access_token: accessToken,
    refresh_token: refresh.token,
    token_type: 'Bearer',
    expires_in: deps.signer.ttlSeconds,
    user: await describeUser(tx, user, deviceId),
  };
}

async function describeUser(db: Db, user: UserRow, deviceId: string | null): Promise<Me> {
  const [site] = user.siteId
    ? await db.select({ name: sites.name }).from(sites).where(eq(sites.id, user.siteId))
    : [];
  return {
    id: user.id,
    username: user.username,
    full_name: user.fullName,
    role: user.role,
    site_id: user.siteId,
    site_name: site?.name ?? null,
    device_id: deviceId,
  };
}

/**
 * Rotates a refresh token. A token presented again within `refreshReuseGraceSeconds` of its
 * rotation gets a new pair in the same session (family): a phone whose answer was lost on the
 * network, or several tabs refreshing at once, are not signed out. Presented later, or once its
 * session was revoked, it means the token leaked: the whole family (that device's session) is
 * revoked and its open sockets close on every process (refresh-token rotation with a reuse
 * interval, as the OAuth 2.0 security BCP describes). A disabled account or a revoked device
 * is named as such, whatever the token's state.
 */
export async function refresh(deps: AppDeps, token: string, source: AuditSource): Promise<TokenPair> {
  const outcome = await deps.db.transaction(async (tx): Promise<RefreshOutcome> => {
    const [row] = await tx
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)))
      .for('update');
    if (!row) return { error: new AppError('token_invalid', 'Jeton de rafraîchissement invalide') };
    const [user] = await tx.select().from(users).where(eq(users.id, row.userId));
    if (!user?.isActive) return { error: new AppError('account_disabled', 'Ce compte est désactivé') };
    if (row.deviceId) {
      const [device] = await tx.select().from(devices).where(eq(devices.id, row.deviceId));
      if (!device || device.revokedAt) {
        return { error: new AppError('device_revoked', 'Cet appareil a été révoqué') };
      }
    }
    const now = Date.now();
    const graceMs = deps.config.refreshReuseGraceSeconds * 1000;
    const isRetry = row.rotatedAt !== null && now - row.rotatedAt.getTime() <= graceMs;
    if (row.revokedAt || (row.rotatedAt && !isRetry)) {
      const isNewDetection = !row.revokedAt;
      await revokeFamily(tx, row.familyId);
      await recordAudit(
        tx,
        { ...source, userId: row.userId, deviceId: row.deviceId },
        {
          action: 'auth.refresh_reused',
          entity: 'user',
          entityId: row.userId,
          after: { family_id: row.familyId },
        },
      );
      return {
        error: new AppError('refresh_token_reused', 'Session révoquée : reconnectez-vous'),
        ended: isNewDetection
          ? { userId: row.userId, sessionId: row.familyId, reason: 'token_invalid' }
          : null,
      };
    }
    if (row.expiresAt.getTime() <= now) {
      return { error: new AppError('token_expired', 'Session expirée : reconnectez-vous') };
    }
    if (row.deviceId) {
      await tx
        .update(devices)
        .set({ lastSeenAt: new Date(now) })
        .where(eq(devices.id, row.deviceId));
    }
    // A retry keeps the first rotation's time: the window is not stretched by retrying.
    if (!row.rotatedAt) {
      await tx
        .update(refreshTokens)
        .set({ rotatedAt: new Date(now) })
        .where(eq(refreshTokens.id, row.id));
    }
    return { pair: await issueTokens(tx, deps, user, row.deviceId, row.familyId) };
  });
  // The family revocation above must commit, so the error is thrown only after the transaction.
  if ('error' in outcome) {
    if (outcome.ended) await publishSessionEnds(deps.bus, [outcome.ended]);
    throw outcome.error;
  }
  return outcome.pair;
}

type RefreshOutcome = { pair: TokenPair } | { error: AppError; ended?: SessionEnd | null };

export async function revokeFamily(tx: Db, familyId: string): Promise<void> {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

export async function logout(deps: AppDeps, actor: Actor, token: string | undefined): Promise<void> {
  await deps.db.transaction(async (tx) => {
    if (token) {
      const [row] = await tx
        .select({ familyId: refreshTokens.familyId, userId: refreshTokens.userId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)));
      if (row && row.userId === actor.userId) await revokeFamily(tx, row.familyId);
    } else if (actor.deviceId) {
      await tx
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(
          and(
            eq(refreshTokens.userId, actor.userId),
            eq(refreshTokens.deviceId, actor.deviceId),
            isNull(refreshTokens.revokedAt),
          ),
        );
    }
    await recordAudit(tx, actor, { action: 'auth.logout', entity: 'user', entityId: actor.userId });
  });
}

export async function me(deps: AppDeps, actor: Actor): Promise<Me> {
  const [user] = await deps.db.select().from(users).where(eq(users.id, actor.userId));
  if (!user) throw new AppError('token_invalid', 'Jeton invalide');
  return describeUser(deps.db, user, actor.deviceId);
}
