import type { Role } from '@gapal/shared';

/**
 * Who an event is for. `roles` are meant at `siteId`, except `admin`, which means every admin:
 * the admin sees all sites. The same rule decides who may list a stored notification
 * (notifications.repo.ts `visibleTo`); keep the two in step.
 */
export type Audience = { siteId: string | null; roles: readonly Role[]; userId: string | null };

/** The identity a socket authenticated as: it joins exactly these channels. */
export type ChannelMember = { userId: string; role: Role; siteId: string | null };

export const userChannel = (userId: string) => `user:${userId}`;
export const siteChannel = (siteId: string) => `site:${siteId}`;
const ADMIN_CHANNEL = 'role:admin';
const siteRoleChannel = (siteId: string, role: Role) => `site:${siteId}:role:${role}`;

/** The user's, the role's (at the user's site; all sites for an admin) and the site's channels. */
export function memberChannels(member: ChannelMember): string[] {
  const channels = [userChannel(member.userId)];
  if (member.role === 'admin') channels.push(ADMIN_CHANNEL);
  else if (member.siteId) channels.push(siteRoleChannel(member.siteId, member.role));
  if (member.siteId) channels.push(siteChannel(member.siteId));
  return channels;
}

export function audienceChannels(audience: Audience): string[] {
  const channels: string[] = [];
  if (audience.userId) channels.push(userChannel(audience.userId));
  for (const role of new Set(audience.roles)) {
    if (role === 'admin') channels.push(ADMIN_CHANNEL);
    // A non-admin role without a site reaches no one, as in the stored rule.
    else if (audience.siteId) channels.push(siteRoleChannel(audience.siteId, role));
  }
  return channels;
}
