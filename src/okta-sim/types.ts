/**
 * Domain records held by the simulator's store. Records are immutable: every change replaces the
 * record object, so a reference is a consistent snapshot (used by the search index lag).
 * Timestamps are epoch milliseconds here and ISO strings on the wire.
 */

export const USER_STATUSES = ['ACTIVE', 'DEPROVISIONED', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'PROVISIONED', 'RECOVERY', 'STAGED', 'SUSPENDED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const PROVIDER_TYPES = ['ACTIVE_DIRECTORY', 'FEDERATION', 'IMPORT', 'LDAP', 'OKTA', 'SOCIAL'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export type ProfileValue = string | number | boolean | null | ProfileValue[] | { [k: string]: ProfileValue };
export type Profile = Record<string, ProfileValue>;

export interface UserCredentialsRecord {
  /** A password (or password hash / hook) was set; it is never stored or returned. */
  hasPassword: boolean;
  recoveryQuestion?: string;
  provider: { type: ProviderType; name: string };
}

export interface UserRecord {
  readonly id: string;
  readonly status: UserStatus;
  readonly created: number;
  readonly activated: number | null;
  readonly statusChanged: number | null;
  readonly lastLogin: number | null;
  readonly lastUpdated: number;
  readonly passwordChanged: number | null;
  readonly typeId: string;
  readonly profile: Readonly<Profile>;
  readonly credentials: Readonly<UserCredentialsRecord>;
  /** While set and in the future, an asynchronous activation is "in progress" (transitioningToStatus). */
  readonly transitioningUntil?: number;
  readonly transitioningToStatus?: 'ACTIVE' | 'DEPROVISIONED' | 'PROVISIONED';
  /** Bumped on every change; the ETag is derived from it. */
  readonly version: number;
}

export const GROUP_TYPES = ['OKTA_GROUP', 'APP_GROUP', 'BUILT_IN'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

export interface GroupRecord {
  readonly id: string;
  readonly type: GroupType;
  readonly created: number;
  readonly lastUpdated: number;
  readonly lastMembershipUpdated: number;
  readonly objectClass: readonly string[];
  readonly profile: Readonly<Profile>;
  /** For APP_GROUPs: the app instance the group was imported from. */
  readonly sourceId?: string;
}

export type Clock = () => number;
