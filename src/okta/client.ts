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
import { RateGovernor, type Bucket, type RateLimitWindow } from './governor';
import { oktaUnreachable } from './net';
import { newProfile, type Profile } from './profile';
import type { SeenLimits } from './rate-limits';
import { parseUserSchema, type UserSchema } from './user-schema';
import { loadSdk } from './sdk';

export interface OktaUser {
  id: string;
  status: string;
  profile: Profile;
  created?: string;
  /** ISO (`toISOString` form, so timestamps compare as text). */
  lastUpdated?: string | null;
}

export interface OktaGroup {
  id: string;
  type: string;
  name: string;
  description: string | null;
  /** ISO, as for users. */
  lastUpdated?: string | null;
  lastMembershipUpdated?: string | null;
}

/** One page of a paged list, with Okta's clock (the Date header) when it answered. */
export interface Page<T> {
  items: T[];
  /** The next page's URL (Okta's `Link: rel="next"`, opaque), or null on the last page. */
  next: string | null;
  /** Okta's time (epoch ms, from the Date header: whole seconds) when it answered; null without a Date header. */
  serverTime: number | null;
}

/** The first page of a list (its query), or a later one (the `next` URL of the page before). */
export type PageRequest<Q> = Q | { next: string };

/** Lifecycle operations the agent uses (never delete). */
export type LifecycleOp = 'suspend' | 'unsuspend' | 'deactivate' | 'activate';

export interface CreateOptions {
  activate: boolean;
  provider: 'okta' | 'federation';
  /** OKTA_GROUPs the user joins with its create (at most 20). */
  groupIds?: readonly string[];
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
  /**
   * Users matching a `filter` expression (Okta's filter: `status`, `lastUpdated`, `id` and a few
   * profile attributes), DEPROVISIONED users included, 200 per page.
   */
  usersPage(q: PageRequest<{ filter: string }>): Promise<Page<OktaUser>>;
  /** Groups matching a `filter` expression (`id`, `type`, `lastUpdated`, `lastMembershipUpdated`), 200 per page. */
  groupsPage(q: PageRequest<{ filter: string }>): Promise<Page<OktaGroup>>;
  /** A group's members (user ids), 200 per page. */
  groupMembersPage(q: PageRequest<{ groupId: string }>): Promise<Page<string>>;
  /** The org the URL belongs to (`/.well-known/okta-organization`: its id; public, no token needed). */
  orgMetadata(): Promise<{ id: string; url: string }>;
  /** Requests made so far (for run reports). */
  readonly requestCounts: RequestCounts;
  /** The last rate limit each bucket's responses gave so far. */
  readonly seenLimits: SeenLimits;
  /** Close idle connections. */
  close(): void;
  /** Milliseconds spent waiting on rate limits. */
  readonly rateLimitWaitMs: number;
  /**
   * Okta's refusals the agent saw since the client was made, by errorCode (`HTTP 502` when Okta's
   * answer had none, `network` when there was no answer); retried 429s and 5xx are not in it.
   */
  readonly errorCounts: Readonly<Record<string, number>>;
  /** Okta's rate-limit windows, per bucket, as the last responses said. */
  rateLimitWindows(): RateLimitWindow[];
  /** Writes per second the governor lets through (the slowest write bucket seen), for progress ETAs. */
  writePace(): number | undefined;
}

/** What the client needs of the `okta:` section: the connection settings (not what the sync does with Okta: match, drift, mirror). */
export type OktaConnection = Omit<OktaConfig, 'match' | 'drift' | 'mirror'>;

/** The buckets a run's writes go to: creates, profile updates, lifecycle and membership calls. */
const WRITE_BUCKETS: Bucket[] = ['users', 'user-write', 'other'];

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
    private readonly config: OktaConnection,
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

  readonly errorCounts: Record<string, number> = {};

  rateLimitWindows(): RateLimitWindow[] {
    return this.governor.windows();
  }

  writePace(): number | undefined {
    const paces = WRITE_BUCKETS.map((b) => this.governor.pace(b)).filter((p): p is number => p !== undefined);
    return paces.length ? Math.min(...paces) : undefined;
  }

  async createUser(profile: Profile, opts: CreateOptions): Promise<OktaUser> {
    const federated = opts.provider === 'federation';
    return this.call(async () =>
      toUser(
        await this.client.userApi.createUser({
          body: {
            profile: profile as never,
            ...(federated ? { credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } } } : {}),
            ...(opts.groupIds?.length ? { groupIds: [...opts.groupIds] } : {}),
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

  usersPage(q: PageRequest<{ filter: string }>): Promise<Page<OktaUser>> {
    return this.page('next' in q ? q.next : this.url('/api/v1/users', { filter: q.filter, limit: '200' }), toUser);
  }

  groupsPage(q: PageRequest<{ filter: string }>): Promise<Page<OktaGroup>> {
    return this.page('next' in q ? q.next : this.url('/api/v1/groups', { filter: q.filter, limit: '200' }), toGroup);
  }

  groupMembersPage(q: PageRequest<{ groupId: string }>): Promise<Page<string>> {
    const first = () => this.url(`/api/v1/groups/${encodeURIComponent((q as { groupId: string }).groupId)}/users`, { limit: '200' });
    return this.page('next' in q ? q.next : first(), (u) => String((u as { id?: unknown }).id));
  }

  async orgMetadata(): Promise<{ id: string; url: string }> {
    const body = await this.call(async () => {
      const res = await this.get(this.url('/.well-known/okta-organization', {}));
      return (await res.json()) as { id?: unknown; _links?: { organization?: { href?: unknown } } };
    });
    return { id: String(body.id), url: String(body._links?.organization?.href ?? this.orgUrl) };
  }

  /** A plain GET of JSON through the SDK's HTTP layer (our executor, its error filter: non-2xx throws). */
  private get(url: string): Promise<JsonResponse> {
    // the SDK's typings lack RequestInit's fields and node-fetch's Response
    const http = this.client.http as unknown as { http(url: string, request: object): Promise<JsonResponse> };
    return http.http(url, { method: 'GET', headers: { Accept: 'application/json' } });
  }

  private url(path: string, query: Record<string, string>): string {
    const qs = new URLSearchParams(query).toString();
    return `${this.orgUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /**
   * One page, read directly (the SDK's collections hide the headers): the items, the `next` link
   * Okta sent (followed verbatim: the cursor is opaque) and Okta's clock.
   */
  private async page<T>(url: string, map: (raw: unknown) => T): Promise<Page<T>> {
    return this.call(async () => {
      const res = await this.get(url);
      const body = await res.json();
      if (!Array.isArray(body)) throw new OktaError(res.status, undefined, `expected a list from ${new URL(url).pathname}`, []);
      const date = Date.parse(res.headers.get('date') ?? '');
      return { items: body.map(map), next: nextLink(res.headers.get('link')), serverTime: Number.isNaN(date) ? null : date };
    });
  }

  /** Run an SDK call; a bad token or an unreachable org stops the run instead of failing record by record. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = toOktaError(e);
      const code = err.errorCode ?? (err.status ? `HTTP ${err.status}` : 'network');
      this.errorCounts[code] = (this.errorCounts[code] ?? 0) + 1;
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

/** What the SDK's HTTP layer resolves to (node-fetch's Response). */
interface JsonResponse {
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

/** `rel="next"` of a Link header (Node joins several Link headers with ", "). */
export function nextLink(header: string | null): string | null {
  for (const part of (header ?? '').split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?next"?/.test(m[2])) return m[1];
  }
  return null;
}

/** A timestamp as the SDK (Date) or the wire (ISO text) gives it, in one ISO form. */
function iso(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const ms = v instanceof Date ? v.getTime() : Date.parse(String(v));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function toGroup(g: unknown): OktaGroup {
  const group = g as {
    id?: string;
    type?: string;
    profile?: { name?: string; description?: string | null };
    lastUpdated?: unknown;
    lastMembershipUpdated?: unknown;
  };
  return {
    id: String(group.id),
    type: String(group.type),
    name: String(group.profile?.name ?? ''),
    description: group.profile?.description ?? null,
    lastUpdated: iso(group.lastUpdated) ?? null,
    lastMembershipUpdated: iso(group.lastMembershipUpdated) ?? null,
  };
}

/** The SDK returns model classes (and pages plain JSON); the agent works with plain data. */
function toUser(u: unknown): OktaUser {
  const user = u as { id?: string; status?: string; profile?: object; created?: unknown; lastUpdated?: unknown };
  const profile: Profile = newProfile();
  for (const [k, v] of Object.entries(user.profile ?? {})) if (v !== undefined) profile[k] = v as Profile[string];
  return { id: String(user.id), status: String(user.status), profile, created: iso(user.created), lastUpdated: iso(user.lastUpdated) };
}
