/**
 * `startOktaSimulator`: a stateful HTTP server (Node's `http`) behaving like Okta's documented
 * Users/Groups management API, for tests, the demo and `ldap-okta-sync okta-sim`.
 *
 * The returned handle exposes the base `url` (no trailing slash) and `token` for
 * `new Client({ orgUrl: sim.url, token: sim.token })`, request counts and the write log
 * (`requests`), fault injection (`faults`), direct store access (`store`), the org's user schema
 * (`schema`: custom attributes), runtime rate-limit
 * settings (`rateLimits`), `reset()` and `close()`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from './faults/injector';
import { Pipeline } from './http/pipeline';
import { Router } from './http/router';
import { ROUTES } from './http/routes';
import { createIdGenerator } from './ids';
import { BUCKETS, WORKFORCE_LIMITS, type BucketName } from './rate-limit/buckets';
import { ConcurrencyGate } from './rate-limit/concurrency';
import { RateLimiter, type RateLimitState } from './rate-limit/limiter';
import { RequestRecorder, type RecordedRequest } from './recorder';
import { applySeed, loadSeedFile, type SeedData } from './seed-data';
import { OktaStore } from './store';
import type { LoginFormat } from './store/profile-rules';
import { SimStore } from './store-access';
import type { Clock } from './types';

export interface OktaSimulatorOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0 = a free port). */
  port?: number;
  /** SSWS API token clients must send (default: random). */
  token?: string;
  /** The org's id (`00o…`, served by /.well-known/okta-organization; default: random, so two simulators are two orgs). */
  orgId?: string;
  /** Requests per window for each bucket (defaults: Okta Workforce Identity per-minute limits). */
  rateLimits?: Partial<Record<BucketName, number>>;
  /** Rate-limit window length (default 60000; tests use short windows). */
  windowMs?: number;
  /**
   * Default: a bucket's window opens at its first request. Set: windows follow each other back to
   * back from this phase (epoch ms), `windowPhaseMs + k × windowMs`, requests or not.
   */
  windowPhaseMs?: number;
  /** Maximum concurrent requests (default: unlimited; Okta orgs: 75). */
  concurrencyLimit?: number;
  /** Latency added to every request (default 0). */
  latencyMs?: number;
  /** Seed for ids and fault-injection rolls (default 1). */
  seed?: number;
  /** Delay before changes become visible to `search` and `filter` (eventual consistency; default 0 = off). */
  searchIndexLagMs?: number;
  /** > 0: activation is "in progress" this long (`transitioningToStatus`, 409 E0000112 on update). */
  activationDelayMs?: number;
  /** Login pattern of the org's user schema (default 'email', Okta's default). */
  loginFormat?: LoginFormat;
  /** Okta's "Edit Deactivated User Profile Updates" option (default false). */
  editDeprovisionedProfiles?: boolean;
  /** Time source for timestamps and rate-limit windows (default Date.now). */
  clock?: Clock;
  /** Initial org content. */
  seedData?: SeedData;
  /** JSON seed file (see seed-data.ts); applied after `seedData`. */
  seedFile?: string;
  /**
   * Keep at least this many of the latest requests in `requests.log()` (default: all). Counts cover
   * every request. For long benchmarks: a million creates with their bodies would hold ~1 GB.
   */
  requestLogLimit?: number;
  /** Called once per request when its fate is known (responded, dropped or held). */
  onRequest?: (r: RecordedRequest) => void;
}

export interface RateLimitControl {
  /** Change a bucket's per-window limit at run time. */
  set(bucket: BucketName, limit: number): void;
  setWindowMs(ms: number): void;
  setConcurrencyLimit(limit: number | undefined): void;
  /** Current counters of a bucket (without counting a request). */
  state(bucket: BucketName): RateLimitState;
  /** Start every window afresh. */
  reset(): void;
}

export interface OktaSimulator {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The org's id (/.well-known/okta-organization). */
  readonly orgId: string;
  readonly requests: RequestRecorder;
  readonly faults: FaultInjector;
  readonly store: SimStore;
  /** The org's user schema (`store.schema`): custom attributes settable by tests. */
  readonly schema: SimStore['schema'];
  readonly rateLimits: RateLimitControl;
  /** Requests per endpoint key, e.g. `{"POST /api/v1/users": 3}`. */
  counts(): Record<string, number>;
  /** Change the search index lag at run time. */
  setSearchIndexLag(ms: number): void;
  /** Requests currently held by `timeout` faults. */
  readonly heldRequests: number;
  /** Empty the org, the request log, the fault rules and the rate-limit windows. */
  reset(): void;
  close(): Promise<void>;
}

export async function startOktaSimulator(options: OktaSimulatorOptions = {}): Promise<OktaSimulator> {
  const clock: Clock = options.clock ?? Date.now;
  const seed = options.seed ?? 1;
  const ids = createIdGenerator(seed);
  const token = options.token ?? `00${randomBytes(30).toString('base64url')}`;
  const orgId = options.orgId ?? `00o${randomBytes(16).toString('base64url').replace(/[-_]/g, '').slice(0, 17).padEnd(17, '0')}`;
  const store = new OktaStore(
    clock,
    ids,
    {
      loginFormat: options.loginFormat ?? 'email',
      activationDelayMs: options.activationDelayMs ?? 0,
      editDeprovisionedProfiles: options.editDeprovisionedProfiles ?? false,
    },
    options.searchIndexLagMs ?? 0,
  );
  const limits = { ...WORKFORCE_LIMITS };
  for (const [b, v] of Object.entries(options.rateLimits ?? {})) {
    if (!(BUCKETS as readonly string[]).includes(b)) throw new Error(`unknown rate-limit bucket ${b}`);
    if (!(typeof v === 'number' && v >= 0)) throw new Error(`rate limit for ${b} must be a number >= 0`);
    limits[b as BucketName] = v;
  }
  const limiter = new RateLimiter(limits, options.windowMs ?? 60_000, clock, options.windowPhaseMs);
  const gate = new ConcurrencyGate(options.concurrencyLimit);
  const faults = new FaultInjector(seed);
  const recorder = new RequestRecorder(options.requestLogLimit);
  const simStore = new SimStore(store, clock);
  if (options.seedData) applySeed(simStore, options.seedData);
  if (options.seedFile) applySeed(simStore, loadSeedFile(options.seedFile));

  let url = '';
  const pipeline = new Pipeline({
    core: { orgId, store, ids, clock },
    router: new Router(ROUTES),
    limiter,
    gate,
    faults,
    recorder,
    settings: { token, latencyMs: options.latencyMs ?? 0, fallbackBaseUrl: () => url, onComplete: options.onRequest },
  });
  const server: Server = createServer(pipeline.listener);
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  url = `http://${urlHost}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    orgId,
    requests: recorder,
    faults,
    store: simStore,
    schema: simStore.schema,
    rateLimits: {
      set: (bucket, limit) => limiter.setLimit(bucket, limit),
      setWindowMs: (ms) => limiter.setWindowMs(ms),
      setConcurrencyLimit: (limit) => {
        gate.limit = limit;
      },
      state: (bucket) => limiter.peek(bucket),
      reset: () => limiter.reset(),
    },
    counts: () => recorder.counts(),
    setSearchIndexLag: (ms) => store.setSearchLag(ms),
    get heldRequests() {
      return pipeline.heldCount;
    },
    reset() {
      pipeline.releaseHeld();
      store.clear();
      recorder.reset();
      faults.clear();
      limiter.reset();
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        pipeline.releaseHeld();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
