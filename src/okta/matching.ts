/**
 * Matching on first contact: before creating a user, the configured rules look for an Okta user that
 * is the same person (same login, same email, same value of a profile attribute). The decision is
 * strict: exactly one candidate across all rules → link it; several → ambiguous (the record is
 * quarantined for a person to decide); none → create. Never guessed.
 */
import type { MatchRule } from './schema';
import type { OktaClient, OktaUser } from './client';
import type { Profile } from './profile';

export type MatchDecision =
  { kind: 'none' } | { kind: 'one'; user: OktaUser; rules: string[] } | { kind: 'ambiguous'; candidates: { id: string; login: string; rules: string[] }[] };

const describeRule = (r: MatchRule) => (r.by === 'attribute' ? `attribute ${r.attribute}` : r.by);

/** An Okta search value in double quotes (Okta's filter syntax escapes " and \\). */
function searchValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The search expression a rule runs for a profile, or undefined when the profile has no value for it. */
function searchFor(rule: MatchRule, profile: Profile): string | undefined {
  if (rule.by === 'login') return undefined; // looked up by login directly (exact, consistent)
  const attr = rule.by === 'email' ? 'email' : rule.attribute;
  if (!ATTRIBUTE.test(attr)) throw new Error(`not an Okta profile attribute name: ${attr}`);
  const v = profile[attr];
  if (v === null || v === undefined || Array.isArray(v) || String(v) === '') return undefined;
  return `profile.${attr} eq ${searchValue(String(v))}`;
}

/** Okta's search compares values ignoring case: keep only real matches (the rule says whether case matters). */
function matchesUnderRule(rule: MatchRule, ours: unknown, theirs: unknown): boolean {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined) return false;
  const ci = rule.by === 'email' || (rule.by === 'attribute' && rule.caseInsensitive);
  return ci ? String(ours).toLowerCase() === String(theirs).toLowerCase() : String(ours) === String(theirs);
}

export async function findMatch(
  oktaClient: Pick<OktaClient, 'getUser' | 'searchUsers'>,
  rules: readonly MatchRule[],
  profile: Profile,
): Promise<MatchDecision> {
  const found = new Map<string, { user: OktaUser; rules: string[] }>();
  const add = (u: OktaUser, rule: MatchRule) => {
    const e = found.get(u.id) ?? { user: u, rules: [] };
    e.rules.push(describeRule(rule));
    found.set(u.id, e);
  };
  for (const rule of rules) {
    if (rule.by === 'login') {
      const u = typeof profile.login === 'string' ? await oktaClient.getUser(profile.login) : null;
      if (u) add(u, rule);
      continue;
    }
    const search = searchFor(rule, profile);
    if (!search) continue;
    const attr = rule.by === 'email' ? 'email' : rule.attribute;
    for (const u of await oktaClient.searchUsers(search, 5)) if (matchesUnderRule(rule, profile[attr], u.profile[attr])) add(u, rule);
  }
  if (found.size === 0) return { kind: 'none' };
  if (found.size === 1) {
    const [only] = found.values();
    return { kind: 'one', user: only.user, rules: only.rules };
  }
  return { kind: 'ambiguous', candidates: [...found.values()].map((e) => ({ id: e.user.id, login: String(e.user.profile.login ?? ''), rules: e.rules })) };
}
