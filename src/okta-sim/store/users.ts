/**
 * User operations with Okta's rules: create (status per the "user creation scenarios" table),
 * partial update and full replace, lifecycle transitions, two-step delete, and seeding.
 *
 * Contract:
 * - `create`: 400 E0000001 on profile validation or a login that collides case- and
 *   diacritic-insensitively with any user (DEPROVISIONED included); status STAGED when
 *   `activate=false`, else ACTIVE for a password / federated / social / `provider=true` user and
 *   PROVISIONED for a profile-only user; PASSWORD_EXPIRED with `nextLogin=changePassword`.
 * - `update` ('partial'): shallow profile merge, `null` clears an attribute; 'replace': the profile
 *   becomes exactly the body's. DEPROVISIONED users → 403 E0000038 (unless the org option
 *   `editDeprovisionedProfiles` is on); during an activation window → 409 E0000112.
 *   `credentials.provider` in an update is read-only and ignored; a partial update whose `type.id`
 *   differs from the user's → 400 E0000001.
 * - `transition`: see `lifecycle.ts`.
 * - `delete`: first call deactivates, second (on DEPROVISIONED) deletes.
 * Every failure is thrown as OktaSimError; nothing here knows about HTTP.
 */
import { errors, type FieldProblem } from '../errors';
import type { IdGenerator } from '../ids';
import { USER_STATUSES, type Clock, type Profile, type ProviderType, type UserRecord, type UserStatus } from '../types';
import { activationTarget, planTransition, type LifecycleOp } from './lifecycle';
import { toMs } from '../time';
import { asObject, parseCredentials, parseTypeId, shallowEqual, stripNulls } from './user-input';
import { isProfileObject, validateProfile, type LoginFormat } from './profile-rules';
import { UserIndex } from './user-index';
import { UserSchemaStore } from './user-schema';

export interface UserRulesOptions {
  loginFormat: LoginFormat;
  /** > 0: after an activation the user shows `transitioningToStatus: "ACTIVE"` and updates get 409 E0000112. */
  activationDelayMs: number;
  /** Okta's "Edit Deactivated User Profile Updates" org option. */
  editDeprovisionedProfiles: boolean;
}

export interface CreateUserParams {
  activate: boolean;
  provider: boolean;
  nextLogin?: string;
}

export interface SeedUserInput {
  id?: string;
  status?: UserStatus;
  profile: Profile;
  created?: Date | string | number;
  lastUpdated?: Date | string | number;
  activated?: Date | string | number | null;
  statusChanged?: Date | string | number | null;
  passwordChanged?: Date | string | number | null;
  credentials?: { password?: boolean; recoveryQuestion?: string; provider?: { type: ProviderType; name?: string } };
  typeId?: string;
}

export type DeleteOutcome = 'deactivated' | 'deleted';

const MAX_GROUP_IDS = 20;

export class UserStore {
  readonly index: UserIndex;
  readonly defaultTypeId: string;
  /** The default user type's schema: what profiles are validated against. */
  readonly schema: UserSchemaStore;

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly rules: UserRulesOptions,
    searchLagMs: number,
  ) {
    this.index = new UserIndex(clock, searchLagMs);
    this.defaultTypeId = ids.userTypeId();
    // derived from the type id, so the id sequence of every other object stays as it was
    this.schema = new UserSchemaStore(clock, 'osc' + this.defaultTypeId.slice(3));
  }

  get options(): UserRulesOptions {
    return this.rules;
  }

  /** Resolve id / login / short name, or throw 404 E0000007. */
  require(key: string): UserRecord {
    const u = this.index.resolve(key);
    if (!u) throw errors.notFound(key, 'User');
    return u;
  }

  /** Validates and creates; returns the user and the (unchecked) `groupIds` the caller must assign. */
  create(rawBody: unknown, params: CreateUserParams): { user: UserRecord; groupIds: string[] } {
    const body = asObject(rawBody);
    const problems: FieldProblem[] = [];
    const rawProfile = body.profile === undefined ? {} : body.profile;
    if (!isProfileObject(rawProfile)) throw errors.validation([{ field: 'profile', message: 'The field must be an object' }]);
    const profile = stripNulls(rawProfile);

    const groupIds = body.groupIds === undefined ? [] : body.groupIds;
    if (!Array.isArray(groupIds) || groupIds.some((g) => typeof g !== 'string')) {
      throw errors.validation([{ field: 'groupIds', message: 'The field must be a list of group ids' }]);
    }
    if (groupIds.length > MAX_GROUP_IDS) throw errors.tooManyGroupTargets();

    const credentials = parseCredentials(body.credentials, params.provider, problems);
    const typeId = parseTypeId(body.type, problems) ?? this.defaultTypeId;

    if (params.nextLogin !== undefined) {
      if (params.nextLogin !== 'changePassword') {
        problems.push({ field: 'nextLogin', message: 'Valid values are changePassword' });
      } else if (!params.activate) {
        throw errors.expirePasswordWithoutActivation();
      } else if (!credentials.hasPassword) {
        throw errors.expirePasswordWithoutPassword();
      }
    }

    problems.push(...validateProfile(profile, this.schema, this.rules.loginFormat));
    if (problems.length) throw errors.validation(problems);
    if (this.index.idForLogin(String(profile.login)) !== undefined) throw errors.alreadyExists('login');

    const now = this.clock();
    let status: UserStatus = 'STAGED';
    if (params.activate) {
      status = params.nextLogin ? 'PASSWORD_EXPIRED' : params.provider ? 'ACTIVE' : activationTarget({ credentials });
    }
    const user: UserRecord = {
      id: this.ids.userId(),
      status,
      created: now,
      activated: status === 'ACTIVE' || status === 'PASSWORD_EXPIRED' ? now : null,
      statusChanged: status === 'STAGED' ? null : now,
      lastLogin: null,
      lastUpdated: now,
      passwordChanged: credentials.hasPassword ? now : null,
      typeId,
      profile,
      credentials,
      version: 1,
      ...(params.activate && this.rules.activationDelayMs > 0
        ? { transitioningToStatus: 'ACTIVE' as const, transitioningUntil: now + this.rules.activationDelayMs }
        : {}),
    };
    this.index.insert(user);
    return { user, groupIds: groupIds as string[] };
  }

  update(key: string, rawBody: unknown, mode: 'partial' | 'replace'): UserRecord {
    const user = this.require(key);
    const body = asObject(rawBody);
    const now = this.clock();
    if (user.transitioningUntil !== undefined && now < user.transitioningUntil) throw errors.stillActivating();
    if (user.status === 'DEPROVISIONED' && !this.rules.editDeprovisionedProfiles) throw errors.wrongStatus();

    const problems: FieldProblem[] = [];
    let profile: Profile = user.profile;
    if (body.profile !== undefined) {
      if (!isProfileObject(body.profile)) throw errors.validation([{ field: 'profile', message: 'The field must be an object' }]);
      if (mode === 'replace') {
        profile = stripNulls(body.profile);
      } else {
        profile = { ...user.profile };
        for (const [k, v] of Object.entries(body.profile)) {
          if (v === null) delete profile[k];
          else profile[k] = v;
        }
      }
    }
    let typeId = user.typeId;
    const requestedType = parseTypeId(body.type, problems);
    if (requestedType !== undefined && requestedType !== user.typeId) {
      if (mode === 'partial') problems.push({ field: 'type', message: 'The user type can only be changed with a full replace (PUT)' });
      else typeId = requestedType;
    }
    let credentials = user.credentials;
    let passwordChanged = user.passwordChanged;
    if (body.credentials !== undefined) {
      const c = parseCredentials(body.credentials, false, problems, user.credentials);
      if (c.hasPassword && (body.credentials as { password?: unknown }).password !== undefined) passwordChanged = now;
      credentials = c;
    }
    problems.push(...validateProfile(profile, this.schema, this.rules.loginFormat));
    if (problems.length) throw errors.validation(problems);
    if (profile.login !== user.profile.login) {
      const holder = this.index.idForLogin(String(profile.login));
      if (holder !== undefined && holder !== user.id) throw errors.alreadyExists('login');
    }
    const changed =
      (profile !== user.profile && !shallowEqual(profile, user.profile)) ||
      JSON.stringify(credentials) !== JSON.stringify(user.credentials) ||
      typeId !== user.typeId ||
      passwordChanged !== user.passwordChanged;
    if (!changed) return user;
    const next: UserRecord = {
      ...user,
      profile,
      credentials,
      typeId,
      passwordChanged,
      lastUpdated: now,
      version: user.version + 1,
    };
    this.index.replace(next);
    return next;
  }

  transition(key: string, op: LifecycleOp): UserRecord {
    const user = this.require(key);
    const to = planTransition(user, op);
    if (typeof to !== 'string') throw to;
    if (to === user.status) return user;
    const now = this.clock();
    const next: UserRecord = {
      ...user,
      status: to,
      statusChanged: now,
      lastUpdated: now,
      activated: to === 'ACTIVE' && (op === 'activate' || user.activated === null) ? now : user.activated,
      version: user.version + 1,
      ...(op === 'activate' && this.rules.activationDelayMs > 0
        ? { transitioningToStatus: 'ACTIVE' as const, transitioningUntil: now + this.rules.activationDelayMs }
        : { transitioningToStatus: undefined, transitioningUntil: undefined }),
    };
    this.index.replace(next);
    return next;
  }

  /** First call deactivates, the call on a DEPROVISIONED user deletes. */
  delete(key: string): { outcome: DeleteOutcome; user: UserRecord } {
    const user = this.require(key);
    if (user.status !== 'DEPROVISIONED') return { outcome: 'deactivated', user: this.transition(user.id, 'deactivate') };
    this.index.remove(user.id);
    return { outcome: 'deleted', user };
  }

  /**
   * Direct change for tests (no lifecycle or validation rules): e.g. force LOCKED_OUT, or edit a
   * profile "in the Okta admin console". Bumps `version` and `lastUpdated` (unless given); keeps the
   * login index and uniqueness consistent.
   */
  force(key: string, change: (u: UserRecord) => Partial<Omit<UserRecord, 'id' | 'version'>>): UserRecord {
    const user = this.require(key);
    const patch = change(user);
    const now = this.clock();
    const statusChanged =
      patch.statusChanged !== undefined ? patch.statusChanged : patch.status !== undefined && patch.status !== user.status ? now : user.statusChanged;
    const next: UserRecord = { ...user, ...patch, statusChanged, lastUpdated: patch.lastUpdated ?? now, version: user.version + 1 };
    if (typeof next.profile.login !== 'string' || next.profile.login === '') throw new Error('profile.login is required');
    const holder = this.index.idForLogin(next.profile.login);
    if (holder !== undefined && holder !== user.id) throw new Error(`login already exists: ${next.profile.login}`);
    this.index.replace(next);
    return next;
  }

  /** Test seeding: any status, explicit timestamps; enforces only login presence and uniqueness. */
  seed(input: SeedUserInput): UserRecord {
    const status = input.status ?? 'ACTIVE';
    if (!USER_STATUSES.includes(status)) throw new Error(`invalid status ${status}`);
    if (typeof input.profile?.login !== 'string' || input.profile.login === '') throw new Error('seeded user needs profile.login');
    if (this.index.idForLogin(input.profile.login) !== undefined) throw new Error(`login already exists: ${input.profile.login}`);
    const id = input.id ?? this.ids.userId();
    if (this.index.get(id)) throw new Error(`user id already exists: ${id}`);
    const created = input.created !== undefined ? toMs(input.created) : this.clock();
    const opt = (v: Date | string | number | null | undefined, dflt: number | null) => (v === undefined ? dflt : v === null ? null : toMs(v));
    const provider = input.credentials?.provider;
    const user: UserRecord = {
      id,
      status,
      created,
      activated: opt(input.activated, status === 'STAGED' || status === 'PROVISIONED' ? null : created),
      statusChanged: opt(input.statusChanged, status === 'STAGED' ? null : created),
      lastLogin: null,
      lastUpdated: input.lastUpdated !== undefined ? toMs(input.lastUpdated) : created,
      passwordChanged: opt(input.passwordChanged, input.credentials?.password ? created : null),
      typeId: input.typeId ?? this.defaultTypeId,
      profile: stripNulls(input.profile),
      credentials: {
        hasPassword: input.credentials?.password ?? false,
        ...(input.credentials?.recoveryQuestion ? { recoveryQuestion: input.credentials.recoveryQuestion } : {}),
        provider: provider ? { type: provider.type, name: provider.name ?? provider.type } : { type: 'OKTA', name: 'OKTA' },
      },
      version: 1,
    };
    this.index.insert(user);
    return user;
  }
}
