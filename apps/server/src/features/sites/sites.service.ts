import type { CreateSiteInput, Site, UpdateSiteInput } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { toIso } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { recordAudit } from '../audit/audit.service.ts';
import {
  findSiteRow,
  insertSite,
  isSiteCodeTaken,
  type SiteRow,
  selectSites,
  updateSiteRow,
} from './sites.repo.ts';

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
  const rows = await selectSites(db, scopeSite(actor));
  return rows.map(toSiteDto);
}

export async function getSite(db: Db, actor: Actor, id: string): Promise<Site> {
  const siteId = scopeSite(actor);
  const row = await findSiteRow(db, id);
  if (!row || (siteId && row.id !== siteId)) throw notFound('Site');
  return toSiteDto(row);
}

export async function createSite(ctx: WriteContext, input: CreateSiteInput): Promise<Site> {
  if (await isSiteCodeTaken(ctx.tx, input.code)) {
    throw new AppError('conflict', 'Ce code de site est déjà utilisé', {
      fields: [{ field: 'code', message: 'déjà utilisé', code: 'already_used' }],
    });
  }
  const row = await insertSite(ctx.tx, {
    name: input.name,
    code: input.code,
    address: input.address ?? null,
  });
  await recordAudit(ctx, {
    action: 'site.create',
    entity: 'site',
    entityId: row.id,
    siteId: row.id,
    after: row,
  });
  return toSiteDto(row);
}

export async function updateSite(ctx: WriteContext, id: string, input: UpdateSiteInput): Promise<Site> {
  const before = await findSiteRow(ctx.tx, id, true);
  if (!before) throw notFound('Site');
  const after = await updateSiteRow(ctx.tx, id, {
    name: input.name ?? before.name,
    address: input.address === undefined ? before.address : input.address,
    isActive: input.is_active ?? before.isActive,
    updatedAt: new Date(),
  });
  await recordAudit(ctx, {
    action: 'site.update',
    entity: 'site',
    entityId: id,
    siteId: id,
    before,
    after,
  });
  return toSiteDto(after);
}
