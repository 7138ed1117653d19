/**
 * Wire shape of a user (spec `User` / `UserGetSingleton`): ISO-8601 timestamps, `null` for unset
 * timestamps, the default profile attributes Okta always returns (`mobilePhone`/`secondEmail` as
 * null when unset), credentials without secrets (`password: {}` when one is set), and `_links` with
 * absolute hrefs: a single user carries `self` plus the lifecycle operations its status allows
 * (with `method: "POST"`); users inside a collection carry only `self` (documented).
 */
import { availableOps } from '../store/lifecycle';
import type { Profile, UserRecord } from '../types';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export type UserLinks = 'full' | 'self' | 'none';

function wireProfile(p: Readonly<Profile>): Profile {
  const { firstName = null, lastName = null, mobilePhone = null, secondEmail = null, login, email, ...rest } = p;
  return { firstName, lastName, mobilePhone, secondEmail, login, email, ...rest };
}

export function userJson(u: UserRecord, baseUrl: string, now: number, links: UserLinks): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/users/${u.id}`;
  const out: Record<string, unknown> = {
    id: u.id,
    status: u.status,
    created: iso(u.created),
    activated: iso(u.activated),
    statusChanged: iso(u.statusChanged),
    lastLogin: iso(u.lastLogin),
    lastUpdated: iso(u.lastUpdated),
    passwordChanged: iso(u.passwordChanged),
    type: { id: u.typeId },
    profile: wireProfile(u.profile),
    credentials: {
      ...(u.credentials.hasPassword ? { password: {} } : {}),
      ...(u.credentials.recoveryQuestion ? { recovery_question: { question: u.credentials.recoveryQuestion } } : {}),
      provider: { type: u.credentials.provider.type, name: u.credentials.provider.name },
    },
  };
  if (u.transitioningToStatus && u.transitioningUntil !== undefined && now < u.transitioningUntil) {
    out.transitioningToStatus = u.transitioningToStatus;
  }
  if (links !== 'none') {
    const l: Record<string, unknown> = {};
    if (links === 'full') {
      for (const op of availableOps(u.status)) l[op] = { href: `${self}/lifecycle/${op}`, method: 'POST' };
    }
    l.self = { href: self };
    out._links = l;
  }
  return out;
}

/** Weak ETag that changes with every modification. */
export function userEtag(u: UserRecord): string {
  return `W/"${u.version.toString(16)}${u.lastUpdated.toString(16)}${u.id.slice(-6)}"`;
}
