import type { CreateUserInput, UpdateUserInput, User } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { toIso } from '../../lib/dates.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { hashPassword, type ScryptParams } from '../auth/passwords.ts';
import { revokeSessions } from '../auth/sessions.repo.ts';
import { findSiteRow } from '../sites/sites.repo.ts';
import {
  findUserRow,
  insertUser,
  isUsernameTaken,
  selectUsers,
  type UserRow,
  updateUserRow,
} from './users.repo.ts';

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
  const rows = await selectUsers(db, {
    role: filter.role,
    siteId: filter.site_id,
    isActive: filter.is_active === undefined ? undefined : filter.is_active === 'true',
    search: filter.search,
  });
  return rows.map(toUserDto);
}

export async function getUser(db: Db, id: string): Promise<User> {
  return toUserDto(await findUser(db, id));
}

async function findUser(db: Db, id: string, forUpdate = false): Promise<UserRow> {
  const row = await findUserRow(db, id, forUpdate);
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
  const site = await findSiteRow(db, siteId);
  if (!site?.isActive) {
    throw new AppError('validation_error', 'Site inconnu ou inactif', {
      fields: [{ field: 'site_id', message: 'site inconnu ou inactif', code: 'unknown_reference' }],
    });
  }
}

async function assertUsernameFree(db: Db, username: string): Promise<void> {
  if (await isUsernameTaken(db, username)) {
    throw new AppError('conflict', 'Cet identifiant est déjà utilisé', {
      fields: [{ field: 'username', message: 'déjà utilisé', code: 'already_used' }],
    });
  }
}

/**
 * What a new user needs before the write: the checks a client can fail, and the password hash
 * (scrypt takes tens of milliseconds; computed outside the transaction so it holds no connection).
 */
export async function prepareUser(
  db: Db,
  input: CreateUserInput,
  hashing: ScryptParams,
): Promise<{ passwordHash: string }> {
  await assertSiteForRole(db, input.role, input.site_id);
  await assertUsernameFree(db, input.username);
  return { passwordHash: await hashPassword(input.password, hashing) };
}

export async function createUser(
  ctx: WriteContext,
  input: CreateUserInput,
  prepared: { passwordHash: string },
): Promise<User> {
  const row = await insertUser(ctx.tx, {
    username: input.username,
    fullName: input.full_name,
    phone: input.phone ?? null,
    role: input.role,
    siteId: input.site_id ?? null,
    passwordHash: prepared.passwordHash,
  });
  await recordAudit(ctx, {
    action: 'user.create',
    entity: 'user',
    entityId: row.id,
    siteId: row.siteId,
    after: auditView(row),
  });
  return toUserDto(row);
}

/**
 * A deactivation, or a role or site change, also closes the user's open sockets on every process
 * once committed: `account_disabled`, or `token_invalid` so the client comes back with its new
 * rights (a site change also ended its sessions, so it signs in again).
 */
export async function updateUser(ctx: WriteContext, id: string, input: UpdateUserInput): Promise<User> {
  const { tx, actor } = ctx;
  const before = await findUser(tx, id, true);
  const role = input.role ?? before.role;
  const siteId = input.site_id === undefined ? before.siteId : input.site_id;
  if (input.role !== undefined || input.site_id !== undefined) await assertSiteForRole(tx, role, siteId);
  if (id === actor.userId && (input.is_active === false || (input.role && input.role !== 'admin'))) {
    throw new AppError('conflict', 'Vous ne pouvez pas retirer vos propres droits d’administrateur');
  }
  const after = await updateUserRow(tx, id, {
    fullName: input.full_name ?? before.fullName,
    phone: input.phone === undefined ? before.phone : input.phone,
    role,
    siteId,
    isActive: input.is_active ?? before.isActive,
    updatedAt: new Date(),
  });
  if (after.isActive === false || after.siteId !== before.siteId) await revokeSessions(tx, { userId: id });
  if (after.isActive === false) ctx.endSessionsAfterCommit({ userId: id, reason: 'account_disabled' });
  else if (after.role !== before.role || after.siteId !== before.siteId) {
    ctx.endSessionsAfterCommit({ userId: id, reason: 'token_invalid' });
  }
  await recordAudit(ctx, {
    action: input.is_active === false ? 'user.deactivate' : 'user.update',
    entity: 'user',
    entityId: id,
    siteId: after.siteId,
    before: auditView(before),
    after: auditView(after),
  });
  return toUserDto(after);
}

/** Hashed before the write, as for a new user (see `prepareUser`). */
export async function preparePassword(
  password: string,
  hashing: ScryptParams,
): Promise<{ passwordHash: string }> {
  return { passwordHash: await hashPassword(password, hashing) };
}

/** A new password ends every session of the user: their sockets close (`token_invalid`) and they sign in again. */
export async function resetPassword(
  ctx: WriteContext,
  id: string,
  prepared: { passwordHash: string },
): Promise<void> {
  const user = await findUser(ctx.tx, id, true);
  await updateUserRow(ctx.tx, id, { passwordHash: prepared.passwordHash, updatedAt: new Date() });
  await revokeSessions(ctx.tx, { userId: id });
  await recordAudit(ctx, {
    action: 'user.reset_password',
    entity: 'user',
    entityId: id,
    siteId: user.siteId,
  });
  ctx.endSessionsAfterCommit({ userId: id, reason: 'token_invalid' });
}
