/**
 * In-memory {@link LoginRegistry} and {@link UniqueRegistry}, for tests, `preflight` and the
 * simulator. Logins are keyed by {@link normalizeLogin} (case- and diacritic-insensitive like Okta).
 */
import { normalizeLogin } from '../okta/profile';
import type { Availability, LoginRegistry, UniqueRegistry } from './types';

export class InMemoryLoginRegistry implements LoginRegistry {
  /** key → holder: agent claims (anchors) and Okta users (any id, e.g. "okta:00u…") */
  private readonly held = new Map<string, string>();
  /** key → anchor, claimed during this run */
  private readonly claimed = new Map<string, string>();

  /** `held`: logins already taken: [login, holder] where holder is an anchor (the agent's own claims) or an Okta user id (also deactivated users). */
  constructor(held: Iterable<readonly [string, string]> = []) {
    for (const [login, holder] of held) this.held.set(normalizeLogin(login), holder);
  }

  isAvailable(login: string, anchor: string): Availability {
    const h = this.held.get(normalizeLogin(login));
    return h === undefined || h === anchor ? true : { heldBy: h };
  }

  claim(login: string, anchor: string): Availability {
    const key = normalizeLogin(login);
    const h = this.held.get(key);
    if (h !== undefined && h !== anchor) return { heldBy: h };
    const c = this.claimed.get(key);
    if (c !== undefined && c !== anchor) return { heldBy: c, inRun: true };
    this.claimed.set(key, anchor);
    return true;
  }

  release(login: string, anchor: string): void {
    const key = normalizeLogin(login);
    if (this.claimed.get(key) === anchor) this.claimed.delete(key);
  }

  /** Logins claimed in this run: login key → anchor. */
  claims(): ReadonlyMap<string, string> {
    return this.claimed;
  }
}

export class InMemoryUniqueRegistry implements UniqueRegistry {
  private readonly holders = new Map<string, string>();

  /** `held`: [attribute, value, anchor] already claimed (e.g. from state). */
  constructor(held: Iterable<readonly [string, string, string]> = []) {
    for (const [attr, value, anchor] of held) this.holders.set(attr + '\u0000' + value, anchor);
  }

  claim(attribute: string, value: string, anchor: string): Availability {
    const k = attribute + '\u0000' + value;
    const h = this.holders.get(k);
    if (h !== undefined && h !== anchor) return { heldBy: h };
    this.holders.set(k, anchor);
    return true;
  }

  release(attribute: string, value: string, anchor: string): void {
    const k = attribute + '\u0000' + value;
    if (this.holders.get(k) === anchor) this.holders.delete(k);
  }
}
