import type { LoginInput, Me, TokenPair } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { AppDeps } from '../../deps.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import { runWrite, type WriteActor, type WriteContext } from '../../domain/write-context.ts';
import { type AuditSource, recordAudit } from '../audit/audit.service.ts';
import { findDeviceRow, insertDevice, lockDeviceBySerial, updateDeviceRow } from '../devices/devices.repo.ts';
import { findSiteRow, firstActiveSiteId } from '../sites/sites.repo.ts';
import { findUserByUsername, findUserRow, setLastLogin, type UserRow } from '../users/users.repo.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import {
  findRefreshTokenFamily,
  insertRefreshToken,
  lockRefreshToken,
  markRefreshTokenRotated,
  revokeFamily,
  revokeSessions,
} from './sessions.repo.ts';
import { hashRefreshToken, newRefreshToken } from './tokens.ts';

/** What signing in and refreshing need: the write pipeline, the token signer and the token lifetimes. */
type AuthServiceDeps = Pick<AppDeps, 'db' | 'bus' | 'config' | 'writeHooks' | 'signer'>;

export async function login(
  deps: AuthServiceDeps,
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
  const user = await findUserByUsername(deps.db, key);
  const isValid = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyAgainstDummy(input.password, deps.config.passwordHashing);
  if (!user || !isValid) {
    await limiter.recordFailure(key);
    // Same answer for an unknown user and a wrong password.
    throw new AppError('invalid_credentials', 'Identifiant ou mot de passe incorrect');
  }
  await limiter.reset(key);
  if (!user.isActive) throw new AppError('account_disabled', 'Ce compte est désactivé');

  return runWrite(
    deps,
    { ...source, userId: user.id },
    async (ctx) => {
      const deviceId = input.device_serial
        ? await registerDevice(ctx.tx, user, input.device_serial, input.device_name)
        : null;
      await setLastLogin(ctx.tx, user.id, new Date());
      const pair = await issueTokens(ctx.tx, deps, user, deviceId, crypto.randomUUID());
      await recordAudit(
        { ...ctx, actor: { ...ctx.actor, deviceId } },
        { action: 'auth.login', entity: 'user', entityId: user.id, siteId: user.siteId },
      );
      return pair;
    },
    { name: 'auth.login' },
  );
}

/** A device registers itself at login with its serial; a revoked one is refused. */
async function registerDevice(tx: Db, user: UserRow, serial: string, name?: string): Promise<string> {
  const existing = await lockDeviceBySerial(tx, serial);
  if (existing) {
    if (existing.revokedAt) throw new AppError('device_revoked', 'Cet appareil a été révoqué');
    if (user.role !== 'admin' && existing.siteId !== user.siteId) {
      throw new AppError('forbidden', 'Cet appareil est rattaché à un autre site');
    }
    await updateDeviceRow(tx, existing.id, {
      userId: user.id,
      lastSeenAt: new Date(),
      ...(name ? { name } : {}),
    });
    return existing.id;
  }
  const siteId = user.siteId ?? (await defaultSiteId(tx));
  const created = await insertDevice(tx, {
    serial,
    name: name ?? serial,
    siteId,
    userId: user.id,
    lastSeenAt: new Date(),
  });
  return created.id;
}

async function defaultSiteId(db: Db): Promise<string> {
  const siteId = await firstActiveSiteId(db);
  if (!siteId) throw new AppError('conflict', 'Aucun site actif');
  return siteId;
}

async function issueTokens(
  tx: Db,
  deps: AuthServiceDeps,
  user: UserRow,
  deviceId: string | null,
  familyId: string,
): Promise<TokenPair> {
  const refresh = newRefreshToken();
  const expiresAt = new Date(Date.now() + deps.config.refreshTokenTtlDays * 86_400_000);
  await insertRefreshToken(tx, { familyId, userId: user.id, deviceId, tokenHash: refresh.hash, expiresAt });
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
  const site = user.siteId ? await findSiteRow(db, user.siteId) : undefined;
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
export async function refresh(deps: AuthServiceDeps, token: string, source: AuditSource): Promise<TokenPair> {
  const outcome = await runWrite(deps, source, (ctx) => rotateRefreshToken(ctx, deps, token), {
    name: 'auth.refresh',
  });
  // The family revocation must commit, so the error is thrown only after the write.
  if ('error' in outcome) throw outcome.error;
  return outcome.pair;
}

type RefreshOutcome = { pair: TokenPair } | { error: AppError };

async function rotateRefreshToken(
  ctx: WriteContext<WriteActor>,
  deps: AuthServiceDeps,
  token: string,
): Promise<RefreshOutcome> {
  const { tx } = ctx;
  const row = await lockRefreshToken(tx, hashRefreshToken(token));
  if (!row) return { error: new AppError('token_invalid', 'Jeton de rafraîchissement invalide') };
  const user = await findUserRow(tx, row.userId);
  if (!user?.isActive) return { error: new AppError('account_disabled', 'Ce compte est désactivé') };
  if (row.deviceId) {
    const device = await findDeviceRow(tx, row.deviceId);
    if (!device || device.revokedAt) {
      return { error: new AppError('device_revoked', 'Cet appareil a été révoqué') };
    }
  }
  const now = ctx.clock.now.getTime();
  const graceMs = deps.config.refreshReuseGraceSeconds * 1000;
  const isRetry = row.rotatedAt !== null && now - row.rotatedAt.getTime() <= graceMs;
  if (row.revokedAt || (row.rotatedAt && !isRetry)) {
    await revokeFamily(tx, row.familyId);
    await recordAudit(
      { ...ctx, actor: { ...ctx.actor, userId: row.userId, deviceId: row.deviceId } },
      {
        action: 'auth.refresh_reused',
        entity: 'user',
        entityId: row.userId,
        after: { family_id: row.familyId },
      },
    );
    // A family already revoked has had its sockets closed when it was.
    if (!row.revokedAt) {
      ctx.endSessionsAfterCommit({ userId: row.userId, sessionId: row.familyId, reason: 'token_invalid' });
    }
    return { error: new AppError('refresh_token_reused', 'Session révoquée : reconnectez-vous') };
  }
  if (row.expiresAt.getTime() <= now) {
    return { error: new AppError('token_expired', 'Session expirée : reconnectez-vous') };
  }
  if (row.deviceId) await updateDeviceRow(tx, row.deviceId, { lastSeenAt: new Date(now) });
  // A retry keeps the first rotation's time: the window is not stretched by retrying.
  if (!row.rotatedAt) await markRefreshTokenRotated(tx, row.id, new Date(now));
  return { pair: await issueTokens(tx, deps, user, row.deviceId, row.familyId) };
}

/** Ends the refresh token's session, or without one, the sessions of the caller's device. */
export async function logout(ctx: WriteContext, token: string | undefined): Promise<void> {
  const { tx, actor } = ctx;
  if (token) {
    const row = await findRefreshTokenFamily(tx, hashRefreshToken(token));
    if (row && row.userId === actor.userId) await revokeFamily(tx, row.familyId);
  } else if (actor.deviceId) {
    await revokeSessions(tx, { userId: actor.userId, deviceId: actor.deviceId });
  }
  await recordAudit(ctx, { action: 'auth.logout', entity: 'user', entityId: actor.userId });
}

export async function me(db: Db, actor: Actor): Promise<Me> {
  const user = await findUserRow(db, actor.userId);
  if (!user) throw new AppError('token_invalid', 'Jeton invalide');
  return describeUser(db, user, actor.deviceId);
}
