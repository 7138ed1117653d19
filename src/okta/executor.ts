/**
 * The SDK's request executor, replaced: every HTTP request the SDK makes passes through here, so
 * pacing (the {@link RateGovernor}), timeouts and retries are ours.
 *
 * - 429: not carried out by Okta; the governor holds the bucket until its window ends (a concurrency
 *   429: briefly), then the request is retried.
 * - 5xx, timeouts, connection errors: retried with exponential backoff and jitter, except a create
 *   (`POST /api/v1/users`) or a lifecycle change (`POST /api/v1/users/{id}/lifecycle/*`), which might
 *   have happened: the caller settles it (looks the login up, reads the user's status) before trying
 *   again, so a lost response never makes a duplicate, nor a refusal of a change that worked.
 * - Requests and their outcomes are counted per bucket for the run report and metrics.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { RequestExecutor } from '@okta/okta-sdk-nodejs';
import { bucketOf, parseRateHeaders, type Bucket, type RateGovernor } from './governor';
import { noConnection } from './net';
import type { Sdk } from './sdk';

export interface ExecutorOptions {
  governor: RateGovernor;
  /** Where requests are counted (the client's, which outlives the executor's creation). */
  counts: RequestCounts;
  requestTimeoutMs: number;
  maxRetries: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { method: string; bucket: Bucket; attempt: number; reason: string; delayMs: number }) => void;
}

export interface RequestCounts {
  total: number;
  writes: number;
  retries: number;
  rateLimited: number;
  byBucket: Partial<Record<Bucket, number>>;
}

const LIFECYCLE = /^\/api\/v1\/users\/[^/]+\/lifecycle\//;

type SdkRequest = { url: string; method?: string; timeout?: number; headers?: Record<string, string>; agent?: unknown };
type SdkResponse = { status: number; headers: { get(name: string): string | null }; text(): Promise<string> };

export const noRequests = (): RequestCounts => ({ total: 0, writes: 0, retries: 0, rateLimited: 0, byBucket: {} });

export interface GovernedRequestExecutor extends RequestExecutor {
  /** Close idle connections to Okta. */
  close(): void;
}

/** Our executor: a subclass of the SDK's, so it is made from the loaded SDK (sdk.ts). */
export function createGovernedExecutor(sdk: Sdk, opts: ExecutorOptions): GovernedRequestExecutor {
  return new (governedExecutorClass(sdk.RequestExecutor))(opts);
}

function governedExecutorClass(Base: typeof RequestExecutor) {
  return class Governed extends Base implements GovernedRequestExecutor {
    private readonly counts: RequestCounts;
    private readonly sleep: (ms: number) => Promise<void>;
    /** Our own keep-alive connection pools, so close() can end them (a CLI run then exits at once). */
    private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

    constructor(private readonly opts: ExecutorOptions) {
      super();
      this.counts = opts.counts;
      this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    }

    /** Close idle connections to Okta. */
    close(): void {
      this.agents.http.destroy();
      this.agents.https.destroy();
    }

    override async fetch(request: Parameters<RequestExecutor['fetch']>[0]): ReturnType<RequestExecutor['fetch']> {
      const req = request as unknown as SdkRequest;
      const method = (req.method ?? 'GET').toUpperCase();
      const bucket = bucketOf(method, req.url);
      const settledByCaller = method === 'POST' && (bucket === 'users' || LIFECYCLE.test(new URL(req.url).pathname));
      // the SDK sets an agent only for an HTTPS proxy; otherwise use our pools
      req.agent ??= req.url.startsWith('https:') ? this.agents.https : this.agents.http;
      for (let attempt = 0; ; attempt++) {
        const permit = await this.opts.governor.acquire(bucket);
        this.counts.total++;
        this.counts.byBucket[bucket] = (this.counts.byBucket[bucket] ?? 0) + 1;
        if (method !== 'GET') this.counts.writes++;
        let response: SdkResponse;
        try {
          req.timeout = this.opts.requestTimeoutMs;
          response = (await super.fetch(request)) as SdkResponse;
        } catch (e) {
          permit.release();
          // a create or lifecycle change may have reached Okta unless the connection was never made
          if ((settledByCaller && !noConnection(e)) || attempt >= this.opts.maxRetries) throw e;
          await this.backoff(method, bucket, attempt, describe(e));
          continue;
        }
        permit.release({ headers: parseRateHeaders((n) => response.headers.get(n)), status: response.status });
        if (response.status === 429) {
          this.counts.rateLimited++;
          if (attempt >= this.opts.maxRetries) return response as never;
          this.counts.retries++;
          this.opts.onRetry?.({ method, bucket, attempt, reason: 'HTTP 429', delayMs: 0 });
          await response.text().catch(() => undefined);
          continue; // the governor now holds the bucket until its Reset
        }
        if (response.status >= 500 && !settledByCaller && attempt < this.opts.maxRetries) {
          await response.text().catch(() => undefined);
          await this.backoff(method, bucket, attempt, `HTTP ${response.status}`);
          continue;
        }
        return response as never;
      }
    }

    private async backoff(method: string, bucket: Bucket, attempt: number, reason: string): Promise<void> {
      const delayMs = Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
      this.counts.retries++;
      this.opts.onRetry?.({ method, bucket, attempt, reason, delayMs: Math.round(delayMs) });
      await this.sleep(delayMs);
    }
  };
}

function describe(e: unknown): string {
  const err = e as { type?: string; code?: string; message?: string };
  if (err.type === 'request-timeout') return 'timeout';
  return err.code ?? err.message ?? String(e);
}
