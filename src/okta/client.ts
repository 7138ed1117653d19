/**
 * The Okta client: everything the agent writes to or reads from Okta goes through {@link OktaClient}.
 * {@link SdkOktaClient} implements it with `@okta/okta-sdk-nodejs` 8.x (no trailing slash on the org
 * URL, `cacheMiddleware: null`, our {@link GovernedRequestExecutor} for pacing, timeouts and retries),
 * the SDK loaded at the first request (sdk.ts).
 * Only profiles are sent: never credentials beyond the provider type.
 */
import type { Client } from '@okta/okta-sdk-nodejs';
import type { OktaConfig } from './schema';
import { createGovernedExecutor, noRequests, type GovernedRequestExecutor, type RequestCounts } from './executor';
import { OktaError, OktaFatalError, toOktaError } from './errors';
import { RateGovernor, type Bucket } from './governor';
import { oktaUnreachable } from './net';
import type { Profile } from './profile';
import type { SeenLimits } from './rate-limits';
import { parseUserSchema, type UserSchema } from './user-schema';
import { loadSdk } from './sdk';

export interface OktaUser {
  id: string;
  status: string;
  profile: Profile;
  created?: string;
}

export interface OktaGroup {
  id: string;
  type: string;
  name: string;
  description: string | null;
}

/** Lifecycle operations the agent uses (never delete). */
export type LifecycleOp = 'suspend' | 'unsuspend' | 'deactivate' | 'activate';

export interface CreateOptions {
  activate: boolean;
  provider: 'okta' | 'federation';
}

export interface OktaClient {
  /** Create a user with a profile only. Throws {@link OktaError}; `ambiguous` errors may have created it. */
  createUser(profile: Profile, opts: CreateOptions): Promise<OktaUser>;
  /** Partial update (POST): only the given attributes; null clears one. */
  updateProfile(id: string, changes: Profile): Promise<OktaUser>;
  /** By id or login; null when Okta says 404. */
  getUser(idOrLogin: string): Promise<OktaUser | null>;
  /**
   * Users matching an Okta `search` expression (eventually consistent in Okta), at most `limit`
   * (DEPROVISIONED users included, as search does).
   */
  searchUsers(search: string, limit: number): Promise<OktaUser[]>;
  /** A lifecycle transition; activate never sends an e-mail. */
  lifecycle(id: string, op: LifecycleOp): Promise<void>;
  /** Groups whose profile.name equals `name` (Okta compares names case-insensitively). */
  findGroupsByName(name: string): Promise<OktaGroup[]>;
  getGroup(id: string): Promise<OktaGroup | null>;
  createGroup(name: string, description: string | null): Promise<OktaGroup>;
  updateGroup(id: string, name: string, description: string | null): Promise<OktaGroup>;
  /** Idempotent: adding a member twice or removing a non-member is not an error. */
  addGroupMember(groupId: string, userId: string): Promise<void>;
  removeGroupMember(groupId: string, userId: string): Promise<void>;
  /** The org's user schema (default user type): one request. */
  getUserSchema(): Promise<UserSchema>;
  /** Requests made so far (for run reports). */
  readonly requestCounts: RequestCounts;
  /** The last rate limit each bucket's responses gave so far. */
  readonly seenLimits: SeenLimits;
  /** Close idle connections. */
  close(): void;
  /** Milliseconds spent waiting on rate limits. */
  readonly rateLimitWaitMs: number;
}

export interface OktaClientHooks {
  onRetry?: (info: { method: string; bucket: Bucket; attempt: number; reason: string; delayMs: number }) => void;
  onRateWait?: (bucket: Bucket, ms: number, why: string) => void;
}

export class SdkOktaClient implements OktaClient {
  private sdk?: { client: Client; executor: GovernedRequestExecutor };
  private readonly governor: RateGovernor;
  private readonly orgUrl: string;
  private readonly counts = noRequests();

  constructor(
    private readonly config: OktaConfig,
    private readonly hooks: OktaClientHooks = {},
  ) {
    this.governor = new RateGovernor({ share: config.rateLimitShare, concurrency: config.concurrency, onWait: hooks.onRateWait });
    this.orgUrl = config.orgUrl.replace(/\/+$/, '');
  }

  /** The SDK's client, made at the first request. */
  private get client(): Client {
    if (!this.sdk) {
      const sdk = loadSdk();
      const executor = createGovernedExecutor(sdk, {
        governor: this.governor,
        counts: this.counts,
        requestTimeoutMs: this.config.requestTimeoutMs,
        maxRetries: this.config.maxRetries,
        onRetry: this.hooks.onRetry,
      });
      const clientConfig = {
        orgUrl: this.orgUrl,
        token: this.config.token.reveal(),
        cacheMiddleware: null,
        requestExecutor: executor,
        // honoured by the SDK (prepended to its own user agent) but missing from its typings
        userAgent: 'ldap-okta-sync/0.1',
      };
      this.sdk = { client: new sdk.Client(clientConfig), executor };
    }
    return this.sdk.client;
  }

  get requestCounts(): RequestCounts {
    return this.counts;
  }

  close(): void {
    this.sdk?.executor.close();
  }

  get rateLimitWaitMs(): number {
    return this.governor.waitedMs;
  }

  get seenLimits(): SeenLimits {
    const out: SeenLimits = {};
    for (const [bucket, s] of this.governor.seenLimits) out[bucket] = { limit: s.limit, seenAt: new Date(s.seenAt).toISOString() };
    return out;
  }

  async getUserSchema(): Promise<UserSchema> {
    // the raw document: the SDK's models would reshape what the agent reads (enums, items)
    const json = await this.call(() => this.client.http.getJson(`${this.orgUrl}/api/v1/meta/schemas/user/default`));
    return parseUserSchema(json, new Date().toISOString());
  }

  async createUser(profile: Profile, opts: CreateOptions): Promise<OktaUser> {
    const federated = opts.provider === 'federation';
    return this.call(async () =>
      toUser(
        await this.client.userApi.createUser({
          body: {
            profile: profile as never,
            ...(federated ? { credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } } } : {}),
          } as never,
          activate: opts.activate,
          provider: federated ? true : undefined,
        }),
      ),
    );
  }

  async updateProfile(id: string, changes: Profile): Promise<OktaUser> {
    return this.call(async () => toUser(await this.client.userApi.updateUser({ userId: id, user: { profile: changes } })));
  }

  async getUser(idOrLogin: string): Promise<OktaUser | null> {
    try {
      return await this.call(async () => toUser(await this.client.userApi.getUser({ userId: idOrLogin })));
    } catch (e) {
      if (e instanceof OktaError && e.status === 404) return null;
      throw e;
    }
  }

  async searchUsers(search: string, limit: number): Promise<OktaUser[]> {
    return this.call(async () => {
      const out: OktaUser[] = [];
      for await (const u of await this.client.userApi.listUsers({ search, limit: Math.min(limit, 200) })) {
        if (!u) continue;
        out.push(toUser(u));
        if (out.length >= limit) break;
      }
      return out;
    });
  }

  async lifecycle(id: string, op: LifecycleOp): Promise<void> {
    const api = this.client.userApi;
    await this.call(async () => {
      if (op === 'suspend') await api.suspendUser({ userId: id });
      else if (op === 'unsuspend') await api.unsuspendUser({ userId: id });
      else if (op === 'deactivate') await api.deactivateUser({ userId: id, sendEmail: false });
      else await api.activateUser({ userId: id, sendEmail: false });
    });
  }

  async findGroupsByName(name: string): Promise<OktaGroup[]> {
    return this.call(async () => {
      const out: OktaGroup[] = [];
      const escaped = name.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      for await (const g of await this.client.groupApi.listGroups({ search: `profile.name eq "${escaped}"`, limit: 200 })) {
        if (g) out.push(toGroup(g));
      }
      return out;
    });
  }

  async getGroup(id: string): Promise<OktaGroup | null> {
    try {
      return await this.call(async () => toGroup(await this.client.groupApi.getGroup({ groupId: id })));
    } catch (e) {
      if (e instanceof OktaError && e.status === 404) return null;
      throw e;
    }
  }

  async createGroup(name: string, description: string | null): Promise<OktaGroup> {
    return this.call(async () => toGroup(await this.client.groupApi.createGroup({ group: { profile: { name, description: description ?? undefined } } })));
  }

  async updateGroup(id: string, name: string, description: string | null): Promise<OktaGroup> {
    return this.call(async () =>
      toGroup(await this.client.groupApi.replaceGroup({ groupId: id, group: { profile: { name, description: description ?? undefined } } })),
    );
  }

  async addGroupMember(groupId: string, userId: string): Promise<void> {
    await this.call(() => this.client.groupApi.assignUserToGroup({ groupId, userId }));
  }

  async removeGroupMember(groupId: string, userId: string): Promise<void> {
    try {
      await this.call(() => this.client.groupApi.unassignUserFromGroup({ groupId, userId }));
    } catch (e) {
      if (e instanceof OktaError && e.status === 404) return; // already gone
      throw e;
    }
  }

  /** Run an SDK call; a bad token or an unreachable org stops the run instead of failing record by record. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = toOktaError(e);
      if (err.isAuthFailure) {
        throw new OktaFatalError('auth', `Okta rejected the API token: ${err.message}`, { cause: err });
      }
      if (oktaUnreachable(err.cause)) {
        throw new OktaFatalError('unreachable', `Okta is unreachable: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
}

function toGroup(g: unknown): OktaGroup {
  const group = g as { id?: string; type?: string; profile?: { name?: string; description?: string | null } };
  return { id: String(group.id), type: String(group.type), name: String(group.profile?.name ?? ''), description: group.profile?.description ?? null };
}

/** The SDK returns model classes; the agent works with plain data. */
function toUser(u: unknown): OktaUser {
  const user = u as { id?: string; status?: string; profile?: object; created?: Date | string };
  const profile: Profile = {};
  for (const [k, v] of Object.entries(user.profile ?? {})) if (v !== undefined) profile[k] = v as Profile[string];
  return {
    id: String(user.id),
    status: String(user.status),
    profile,
    created: user.created instanceof Date ? user.created.toISOString() : user.created,
  };
}
