import type { CreateSiteInput, Site, UpdateSiteInput } from '@gapal/shared';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { sites } from '../../db/schema.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import { toIso } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { recordAudit } from '../audit/audit.service.ts';

type SiteRow = typeof sites.$inferSelect;

export function toSiteDto(row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    address: row.address,
    is_active: row.isActive,
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}

/** An admin sees every site; anyone else only their own. */
export async function listSites(db: Db, actor: Actor): Promise<Site[]> {
  const siteId = scopeSite(actor);
  const rows = await db
    .select()
    .from(sites)
    .where(siteId ? eq(sites.id, siteId) : undefined)
    .orderBy(asc(sites.name));
  return rows.map(toSiteDto);
}

export async function getSite(db: Db, actor: Actor, id: string): Promise<Site> {
  const siteId = scopeSite(actor);
  const [row] = await db.select().from(sites).where(eq(sites.id, id));
  if (!row || (siteId && row.id !== siteId)) throw notFound('Site');
  return toSiteDto(row);
}

export async function createSite(db: Db, actor: Actor, input: CreateSiteInput): Promise<Site> {
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: sites.id }).from(sites).where(eq(sites.code, input.code));
    if (taken) {
      throw new AppError('conflict', 'Ce code de site est déjà utilisé', {
        fields: [{ field: 'code', message: 'déjà utilisé', code: 'already_used' }],
      });
    }
    const [row] = await tx
      .insert(sites)
      .values({ name: input.name, code: input.code, address: input.address ?? null })
      .returning();
    await recordAudit(tx, actor, {
      action: 'site.create',
      entity: 'site',
      entityId: row!.id,
      siteId: row!.id,
      after: row,
    });
    return toSiteDto(row!);
  });
}

export async function updateSite(db: Db, actor: Actor, id: string, input: UpdateSiteInput): Promise<Site> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(sites).where(eq(sites.id, id)).for('update');
    if (!before) throw notFound('Site');
    const [after] = await tx
      .update(sites)
      .set({
        name: input.name ?? before.name,
        address: input.address === undefined ? before.address : input.address,
        isActive: input.is_active ?? before.isActive,
        updatedAt: new Date(),
      })
      .where(eq(sites.id, id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'site.update',
      entity: 'site',
      entityId: id,
      siteId: id,
      before,
      after,
    });
    return toSiteDto(after!);
  });
}
