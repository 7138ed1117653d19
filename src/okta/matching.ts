/**
 * Matching on first contact: the configured rules look for an Okta user that is the same person as
 * a directory record (same login, same email, same value of a profile attribute). The decision is
 * strict: exactly one candidate across all rules → that user; several → ambiguous (the record is
 * quarantined for a person to decide); none → none. Never guessed.
 *
 * Pure: the candidates come from {@link MatchLookups} — the agent's mirror of Okta when it plans,
 * or the one user Okta named when a create found the login taken (a race the mirror did not know).
 */
import type { MatchRule } from './schema';
import type { OktaUser } from './client';
import { normalizeLogin, type Profile } from './profile';

export type MatchDecision =
  { kind: 'none' } | { kind: 'one'; user: OktaUser; rules: string[] } | { kind: 'ambiguous'; candidates: { id: string; login: string; rules: string[] }[] };

/** Where candidates come from. */
export interface MatchLookups {
  /** Okta users holding a login (compared as Okta compares logins). */
  byLogin(login: string): readonly OktaUser[];
  /** Okta users whose profile `attribute` equals `value` ignoring case (the rule decides whether case matters). */
  byValue(attribute: string, value: string): readonly OktaUser[];
}

/** An Okta user as messages name it: `Okta user 00u… (ACTIVE)`. */
export const describeOktaUser = (u: { id: string; status: string }) => `Okta user ${u.id} (${u.status})`;

export const describeRule = (r: MatchRule) => (r.by === 'attribute' ? `attribute ${r.attribute}` : r.by);

/** The profile attribute a rule compares. */
const attributeOf = (r: MatchRule) => (r.by === 'attribute' ? r.attribute : r.by);

/** Whether Okta's value is the record's under the rule: logins as Okta compares them; email ignoring case; attributes as configured. */
function matchesUnderRule(rule: MatchRule, ours: unknown, theirs: unknown): boolean {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined || Array.isArray(ours) || String(ours) === '') return false;
  if (rule.by === 'login') return normalizeLogin(String(ours)) === normalizeLogin(String(theirs));
  const ci = rule.by === 'email' || rule.caseInsensitive;
  return ci ? String(ours).toLowerCase() === String(theirs).toLowerCase() : String(ours) === String(theirs);
}

/** The candidates of one rule for a profile. */
function candidates(rule: MatchRule, profile: Profile, lookups: MatchLookups): OktaUser[] {
  const attr = attributeOf(rule);
  const ours = profile[attr];
  if (ours === null || ours === undefined || Array.isArray(ours) || String(ours) === '') return [];
  const found = rule.by === 'login' ? lookups.byLogin(String(ours)) : lookups.byValue(attr, String(ours));
  return found.filter((u) => matchesUnderRule(rule, ours, u.profile[attr]));
}

export function findMatch(rules: readonly MatchRule[], profile: Profile, lookups: MatchLookups): MatchDecision {
  const found = new Map<string, { user: OktaUser; rules: string[] }>();
  for (const rule of rules) {
    for (const u of candidates(rule, profile, lookups)) {
      const e = found.get(u.id) ?? { user: u, rules: [] };
      e.rules.push(describeRule(rule));
      found.set(u.id, e);
    }
  }
  if (found.size === 0) return { kind: 'none' };
  if (found.size === 1) {
    const [only] = found.values();
    return { kind: 'one', user: only.user, rules: only.rules };
  }
  return { kind: 'ambiguous', candidates: [...found.values()].map((e) => ({ id: e.user.id, login: String(e.user.profile.login ?? ''), rules: e.rules })) };
}

/** Whether some rule other than `login` finds `user` for this (possibly partial) profile. */
export function matchedBesidesLogin(rules: readonly MatchRule[], profile: Profile, user: OktaUser): boolean {
  return rules.some((r) => r.by !== 'login' && matchesUnderRule(r, profile[attributeOf(r)], user.profile[attributeOf(r)]));
}

/** Lookups over a few users Okta returned (a create that found the login taken asks the rules about that user only). */
export function lookupsOver(users: readonly OktaUser[]): MatchLookups {
  return {
    byLogin: (login) => users.filter((u) => normalizeLogin(String(u.profile.login ?? '')) === normalizeLogin(login)),
    byValue: (attribute, value) => users.filter((u) => String(u.profile[attribute] ?? '').toLowerCase() === value.toLowerCase()),
  };
}
