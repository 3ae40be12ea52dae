import type { Actor } from '../domain/actor.ts';
import { AppError, notFound } from '../domain/errors.ts';

/**
 * The site a query must be limited to: the caller's own site, or for an admin the
 * site asked for (undefined = every site). Asking for another site than one's own is
 * answered as if it did not exist, so ids don't leak.
 */
export function scopeSite(actor: Actor, requestedSiteId?: string): string | undefined {
  if (actor.role === 'admin') return requestedSiteId;
  if (requestedSiteId && requestedSiteId !== actor.siteId) throw notFound('Site');
  return actor.siteId ?? undefined;
}

/** The site a write goes to: the caller's own, or for an admin the one named (required then). */
export function siteForWrite(actor: Actor, requestedSiteId?: string | null): string {
  const site = actor.role === 'admin' ? (requestedSiteId ?? actor.siteId) : actor.siteId;
  if (actor.role !== 'admin' && requestedSiteId && requestedSiteId !== actor.siteId) throw notFound('Site');
  if (!site) {
    throw new AppError('validation_error', 'Précisez le site', {
      fields: [{ field: 'site_id', message: 'requis pour un administrateur sans site', code: 'required' }],
    });
  }
  return site;
}

/** Throws 404 when a row of another site is reached by a user bound to one site. */
export function assertSiteVisible(actor: Actor, rowSiteId: string, what: string): void {
  if (actor.role !== 'admin' && rowSiteId !== actor.siteId) throw notFound(what);
}
