/**
 * The Okta sink: everything the agent writes to or reads from Okta goes through {@link OktaSink}.
 * {@link SdkOktaSink} implements it with `@okta/okta-sdk-nodejs` 8.x (no trailing slash on the org
 * URL, `cacheMiddleware: null`, our {@link GovernedRequestExecutor} for pacing, timeouts and retries).
 * Only profiles are sent: never credentials beyond the provider type.
 */
import { Client } from '@okta/okta-sdk-nodejs';
import type { OktaConfig } from '../config/schema';
import { GovernedRequestExecutor, type RequestCounts } from './executor';
import { OktaError, OktaFatalError, toOktaError } from './errors';
import { RateGovernor, type Bucket } from './governor';
import type { Profile } from './profile';

export interface OktaUser {
  id: string;
  status: string;
  profile: Profile;
  created?: string;
}

export interface CreateOptions {
  activate: boolean;
  provider: 'okta' | 'federation';
}

export interface OktaSink {
  /** Create a user with a profile only. Throws {@link OktaError}; `ambiguous` errors may have created it. */
  createUser(profile: Profile, opts: CreateOptions): Promise<OktaUser>;
  /** Partial update (POST): only the given attributes; null clears one. */
  updateProfile(id: string, changes: Profile): Promise<OktaUser>;
  /** By id or login; null when Okta says 404. */
  getUser(idOrLogin: string): Promise<OktaUser | null>;
  /** Requests made so far (for run reports). */
  readonly requestCounts: RequestCounts;
  /** Milliseconds spent waiting on rate limits. */
  readonly rateLimitWaitMs: number;
}

export interface SinkHooks {
  onRetry?: (info: { method: string; bucket: Bucket; attempt: number; reason: string; delayMs: number }) => void;
  onRateWait?: (bucket: Bucket, ms: number, why: string) => void;
}

export class SdkOktaSink implements OktaSink {
  private readonly client: Client;
  private readonly executor: GovernedRequestExecutor;
  private readonly governor: RateGovernor;

  constructor(config: OktaConfig, hooks: SinkHooks = {}) {
    this.governor = new RateGovernor({ share: config.rateLimitShare, concurrency: config.concurrency, onWait: hooks.onRateWait });
    this.executor = new GovernedRequestExecutor({
      governor: this.governor,
      requestTimeoutMs: config.requestTimeoutMs,
      maxRetries: config.maxRetries,
      onRetry: hooks.onRetry,
    });
    const clientConfig = {
      orgUrl: config.orgUrl.replace(/\/+$/, ''),
      token: config.token.reveal(),
      cacheMiddleware: null,
      requestExecutor: this.executor,
      // honoured by the SDK (prepended to its own user agent) but missing from its typings
      userAgent: 'ldap-okta-sync/0.1',
    };
    this.client = new Client(clientConfig as ConstructorParameters<typeof Client>[0]);
  }

  get requestCounts(): RequestCounts {
    return this.executor.counts;
  }

  get rateLimitWaitMs(): number {
    return this.governor.waitedMs;
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
    return this.call(async () => toUser(await this.client.userApi.updateUser({ userId: id, user: { profile: changes as never } })));
  }

  async getUser(idOrLogin: string): Promise<OktaUser | null> {
    try {
      return await this.call(async () => toUser(await this.client.userApi.getUser({ userId: idOrLogin })));
    } catch (e) {
      if (e instanceof OktaError && e.status === 404) return null;
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
      const code = ((err.cause as { code?: string } | undefined)?.code ?? '') as string;
      if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT'].includes(code)) {
        throw new OktaFatalError('unreachable', `Okta is unreachable: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
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
