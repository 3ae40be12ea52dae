import type { CreateUserInput, UpdateUserInput, User } from '@gapal/shared';
import { and, asc, eq, ilike, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { refreshTokens, sites, users } from '../../db/schema.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import { toIso } from '../../lib/dates.ts';
import type { EventBus } from '../../realtime/bus.ts';
import { publishSessionEnds, type SessionEnd } from '../../realtime/session-end.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { hashPassword } from '../auth/passwords.ts';

type UserRow = typeof users.$inferSelect;

export function toUserDto(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    full_name: row.fullName,
    phone: row.phone,
    role: row.role,
    site_id: row.siteId,
    is_active: row.isActive,
    last_login_at: toIso(row.lastLoginAt),
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}

/** What the audit trail keeps of a user: never the password hash. */
function auditView(row: UserRow) {
  const { passwordHash: _omit, ...rest } = row;
  return rest;
}

export async function listUsers(
  db: Db,
  filter: { role?: User['role']; site_id?: string; is_active?: 'true' | 'false'; search?: string },
): Promise<User[]> {
  const conditions: SQL[] = [];
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.site_id) conditions.push(eq(users.siteId, filter.site_id));
  if (filter.is_active) conditions.push(eq(users.isActive, filter.is_active === 'true'));
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, '\\$&')}%`;
    conditions.push(or(ilike(users.username, pattern), ilike(users.fullName, pattern))!);
  }
  const rows = await db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(asc(users.username));
  return rows.map(toUserDto);
}

export async function getUser(db: Db, id: string): Promise<User> {
  return toUserDto(await findUser(db, id));
}

async function findUser(db: Db, id: string, forUpdate = false): Promise<UserRow> {
  const query = db.select().from(users).where(eq(users.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound('Utilisateur');
  return row;
}

async function assertSiteForRole(
  db: Db,
  role: User['role'],
  siteId: string | null | undefined,
): Promise<void> {
  if (!siteId) {
    if (role !== 'admin') {
      throw new AppError('validation_error', 'Un site est requis pour ce rôle', {
        fields: [{ field: 'site_id', message: 'requis sauf pour un administrateur', code: 'required' }],
      });
    }
    return;
  }
  const [site] = await db
    .select({ id: sites.id, isActive: sites.isActive })
    .from(sites)
    .where(eq(sites.id, siteId));
  if (!site?.isActive) {
    throw new AppError('validation_error', 'Site inconnu ou inactif', {
      fields: [{ field: 'site_id', message: 'site inconnu ou inactif', code: 'unknown_reference' }],
    });
  }
}

async function assertUsernameFree(db: Db, username: string): Promise<void> {
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.username}) = ${username.toLowerCase()}`);
  if (taken) {
    throw new AppError('conflict', 'Cet identifiant est déjà utilisé', {
      fields: [{ field: 'username', message: 'déjà utilisé', code: 'already_used' }],
    });
  }
}

export async function createUser(db: Db, actor: Actor, input: CreateUserInput): Promise<User> {
  await assertSiteForRole(db, input.role, input.site_id);
  await assertUsernameFree(db, input.username);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        username: input.username,
        fullName: input.full_name,
        phone: input.phone ?? null,
        role: input.role,
        siteId: input.site_id ?? null,
        passwordHash,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'user.create',
      entity: 'user',
      entityId: row!.id,
      siteId: row!.siteId,
      after: auditView(row!),
    });
    return toUserDto(row!);
  });
}

/**
 * A deactivation, or a role or site change, also closes the user's open sockets on every process
 * once committed: `account_disabled`, or `token_invalid` so the client comes back with its new
 * rights (a site change also ended its sessions, so it signs in again).
 */
export async function updateUser(
  deps: { db: Db; bus: EventBus },
  actor: Actor,
  id: string,
  input: UpdateUserInput,
): Promise<User> {
  const ends: SessionEnd[] = [];
  const user = await deps.db.transaction(async (tx) => {
    const before = await findUser(tx, id, true);
    const role = input.role ?? before.role;
    const siteId = input.site_id === undefined ? before.siteId : input.site_id;
    if (input.role !== undefined || input.site_id !== undefined) await assertSiteForRole(tx, role, siteId);
    if (id === actor.userId && (input.is_active === false || (input.role && input.role !== 'admin'))) {
      throw new AppError('conflict', 'Vous ne pouvez pas retirer vos propres droits d’administrateur');
    }
    const [after] = await tx
      .update(users)
      .set({
        fullName: input.full_name ?? before.fullName,
        phone: input.phone === undefined ? before.phone : input.phone,
        role,
        siteId,
        isActive: input.is_active ?? before.isActive,
        updatedAt: new Date(),
      })
      .where(eq(users.id, id))
      .returning();
    if (after!.isActive === false || after!.siteId !== before.siteId) await revokeUserSessions(tx, id);
    if (after!.isActive === false) ends.push({ userId: id, reason: 'account_disabled' });
    else if (after!.role !== before.role || after!.siteId !== before.siteId) {
      ends.push({ userId: id, reason: 'token_invalid' });
    }
    await recordAudit(tx, actor, {
      action: input.is_active === false ? 'user.deactivate' : 'user.update',
      entity: 'user',
      entityId: id,
      siteId: after!.siteId,
      before: auditView(before),
      after: auditView(after!),
    });
    return toUserDto(after!);
  });
  await publishSessionEnds(deps.bus, ends);
  return user;
}

/** A new password ends every session of the user: their sockets close (`token_invalid`) and they sign in again. */
export async function resetPassword(
  deps: { db: Db; bus: EventBus },
  actor: Actor,
  id: string,
  password: string,
): Promise<void> {
  const passwordHash = await hashPassword(password);
  await deps.db.transaction(async (tx) => {
    const user = await findUser(tx, id, true);
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, id));
    await revokeUserSessions(tx, id);
    await recordAudit(tx, actor, {
      action: 'user.reset_password',
      entity: 'user',
      entityId: id,
      siteId: user.siteId,
    });
  });
  await publishSessionEnds(deps.bus, [{ userId: id, reason: 'token_invalid' }]);
}

async function revokeUserSessions(tx: Db, userId: string): Promise<void> {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
}
