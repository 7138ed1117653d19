/**
 * The vocabulary of planning and applying: what the transforms produced for one directory record
 * ({@link Desired}), and what the plan decided to do about it ({@link Action}).
 */
import type { Profile, ProfileValue } from '../../okta/profile';

/** One directory record after the transforms. */
export type Desired =
  | {
      kind: 'ok';
      anchor: string;
      dn: string;
      disabled: boolean;
      profile: Profile;
      /** profile.login, for convenience. */
      login: string;
      /** What the login was derived from (kept stable across runs); null when the config maps it directly. */
      loginSource: string | null;
    }
  | { kind: 'skip'; anchor: string; dn: string; step: string; reason: string }
  | { kind: 'quarantine'; anchor: string; dn: string; step: string; reason: string };

export interface AttributeChange {
  attribute: string;
  before: ProfileValue | undefined;
  /** null clears the attribute in Okta. */
  after: ProfileValue;
}

/** A change of Okta status the directory asks for: disabled there, or enabled again. */
export type LifecycleIntent = 'disable' | 'enable';

export interface CreateAction {
  kind: 'create';
  anchor: string;
  dn: string;
  login: string;
  loginSource: string | null;
  profile: Profile;
  /** Disabled in the directory (lifecycle.createDisabled): disabled in Okta right after the create. */
  disabled: boolean;
}

/**
 * First contact: an Okta user the match rules found (in the agent's mirror of Okta) becomes this
 * record's user; what differs is updated.
 */
export interface LinkAction {
  kind: 'link';
  anchor: string;
  dn: string;
  oktaId: string;
  /** The Okta user's login and status as the mirror knows them. */
  oktaLogin: string;
  oktaStatus: string;
  /** Which rules found it, e.g. "matched by attribute employeeNumber". */
  how: string;
  login: string;
  loginSource: string | null;
  /** The attributes whose value differs from the Okta user's (only attributes with a value are sent). */
  changes: AttributeChange[];
  profile: Profile;
  /** Disabled in the directory (lifecycle.createDisabled): disabled in Okta right after the link. */
  disabled: boolean;
}

/**
 * A profile update. `drift` names the attributes whose Okta value differs from the directory's
 * although the directory did not change them (someone edited them in Okta). Kind `drift`: those
 * are the only differences (with okta.drift: report, `repair` is false and nothing is sent).
 */
export interface UpdateAction {
  kind: 'update' | 'drift';
  anchor: string;
  dn: string;
  oktaId: string;
  login: string;
  loginSource: string | null;
  /** Only the attributes that changed since the last applied profile. */
  changes: AttributeChange[];
  /** The full desired profile, recorded as last applied once Okta confirms. */
  profile: Profile;
  disabled: boolean;
  /** The DN changed too (rename or move). */
  previousDn: string | null;
  /** A status change to make as well (enable before the update, disable after it). */
  lifecycle: LifecycleIntent | null;
  /** Attributes that drifted in Okta (included in `changes` when repaired). */
  drift?: string[];
  /** kind drift: whether it is repaired (okta.drift: repair) or only reported. */
  repair?: boolean;
  /** kind drift: the record was quarantined before and is fine now. */
  wasQuarantined?: boolean;
}

/** Only the Okta status changes (the profile is as last applied). */
export interface LifecycleAction {
  kind: 'lifecycle';
  anchor: string;
  dn: string;
  oktaId: string;
  login: string | null;
  op: LifecycleIntent;
  disabled: boolean;
  previousDn: string | null;
}

/**
 * A user the agent manages that the directory no longer shows (not seen by a full run; or, seen by
 * an incremental run, deleted or moved out of the base DNs: an AD tombstone, an OpenLDAP accesslog
 * record). `deprovision` once it was missing for the grace; otherwise only counted.
 */
export interface MissingAction {
  kind: 'missing';
  anchor: string;
  dn: string;
  oktaId: string;
  login: string | null;
  missingRuns: number;
  deprovision: boolean;
  why: 'not seen by a full run' | 'deleted in the directory' | 'moved out of scope';
}

export interface UnchangedAction {
  kind: 'unchanged';
  anchor: string;
  dn: string;
  /** Set when only the DN changed (rename or move): state is updated, Okta is not called. */
  previousDn: string | null;
  /** The record was quarantined before and is fine now. */
  wasQuarantined: boolean;
}

export interface QuarantineAction {
  kind: 'quarantine';
  anchor: string;
  dn: string;
  step: string;
  reason: string;
  /** Already linked in Okta: the Okta user stays as it is while quarantined. */
  oktaId: string | null;
}

export interface SkipAction {
  kind: 'skip';
  anchor: string;
  dn: string;
  step: string;
  reason: string;
}

export type Action = CreateAction | LinkAction | UpdateAction | LifecycleAction | MissingAction | UnchangedAction | QuarantineAction | SkipAction;

/** Actions that write a profile to Okta (or, drift in report mode, would). */
export const isProfileWrite = (a: Action): a is UpdateAction => a.kind === 'update' || a.kind === 'drift';

/**
 * Nothing to send and nothing to record: an unchanged record (or drift only reported) that was
 * neither renamed nor quarantined before. Applying skips it without reading it back from the spool.
 */
export const needsNothing = (a: Action): boolean => (a.kind === 'unchanged' || (a.kind === 'drift' && !a.repair)) && !a.previousDn && !a.wasQuarantined;
