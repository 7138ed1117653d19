/**
 * Wire shape of a group (spec `Group`): ISO timestamps, `objectClass`, `type`, `profile`, and
 * `_links` with absolute hrefs (`logo`, `users`, `apps`, `self`, and `source` for APP_GROUPs).
 * `_embedded.stats` only with `expand=stats`.
 */
import type { GroupRecord } from '../types';

export function groupJson(g: GroupRecord, baseUrl: string, opts: { usersCount?: number } = {}): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/groups/${g.id}`;
  const links: Record<string, unknown> = {
    logo: [
      { name: 'medium', href: `${baseUrl}/img/logos/groups/okta-medium.png`, type: 'image/png' },
      { name: 'large', href: `${baseUrl}/img/logos/groups/okta-large.png`, type: 'image/png' },
    ],
    users: { href: `${self}/users` },
    apps: { href: `${self}/apps` },
    self: { href: self },
  };
  if (g.sourceId) links.source = { href: `${baseUrl}/api/v1/apps/${g.sourceId}` };
  const out: Record<string, unknown> = {
    id: g.id,
    created: new Date(g.created).toISOString(),
    lastUpdated: new Date(g.lastUpdated).toISOString(),
    lastMembershipUpdated: new Date(g.lastMembershipUpdated).toISOString(),
    objectClass: [...g.objectClass],
    type: g.type,
    profile: { ...g.profile },
    _links: links,
  };
  if (opts.usersCount !== undefined) {
    out._embedded = { stats: { usersCount: opts.usersCount, appsCount: 0, groupPushMappingsCount: 0 } };
  }
  return out;
}
