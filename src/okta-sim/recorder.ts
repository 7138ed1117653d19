/**
 * Request log and per-endpoint counters for tests.
 *
 * Every request that reaches the simulator is recorded, whatever happened to it: its endpoint key
 * (`"POST /api/v1/users/{id}"`, `"PUT /api/v1/groups/{id}/users/{id}"`, or `"GET <raw path>"` for
 * unknown paths), the parsed JSON body of writes, the status sent (null when no response was sent:
 * dropped or held), and the SDK's retry headers. `writes()` is the log of non-GET requests, e.g. to
 * assert "exactly 10 partial updates, each carrying only the changed attributes".
 */
export type RequestOutcome = 'responded' | 'dropped' | 'held';

export interface RecordedRequest {
  seq: number;
  /** Epoch ms at arrival (simulator clock). */
  at: number;
  method: string;
  path: string;
  /** `"METHOD /template"`. */
  endpoint: string;
  query: Record<string, string>;
  /** Parsed JSON body (raw string when it was not JSON; undefined when empty). */
  body: unknown;
  status: number | null;
  outcome: RequestOutcome;
  /** Fault action type that handled the request, if any. */
  fault?: string;
  requestId: string;
  /** From `X-Okta-Retry-Count` (SDK retries after 429). */
  retryCount?: number;
  /** From `X-Okta-Retry-For`. */
  retryFor?: string;
  /**
   * The rate-limit window the request was counted in: its bucket and the window's start (epoch ms,
   * simulator clock). Absent when the request did not reach the bucket (concurrency 429, injected
   * fault, 401); present on a 429 of an exhausted bucket too.
   */
  rateWindow?: { bucket: string; start: number };
}

export interface RequestFilter {
  endpoint?: string;
  method?: string;
  status?: number;
}

function matches(r: RecordedRequest, f: RequestFilter): boolean {
  return (
    (f.endpoint === undefined || r.endpoint === f.endpoint) &&
    (f.method === undefined || r.method === f.method.toUpperCase()) &&
    (f.status === undefined || r.status === f.status)
  );
}

export class RequestRecorder {
  private entries: RecordedRequest[] = [];
  private countsByEndpoint = new Map<string, number>();
  private seq = 0;
  private total = 0;

  /**
   * @param logLimit keep at least the last `logLimit` requests in the log (older ones are dropped in
   * batches, so memory stays bounded in a million-request benchmark); the counts cover every request.
   * Default: keep everything.
   */
  constructor(private readonly logLimit = Infinity) {}

  /** Called at arrival; the entry is completed in place. */
  begin(e: Omit<RecordedRequest, 'seq' | 'status' | 'outcome'>): RecordedRequest {
    const entry: RecordedRequest = { ...e, seq: ++this.seq, status: null, outcome: 'held' };
    this.entries.push(entry);
    this.total++;
    if (this.entries.length >= 2 * this.logLimit) this.entries = this.entries.slice(-this.logLimit);
    this.countsByEndpoint.set(e.endpoint, (this.countsByEndpoint.get(e.endpoint) ?? 0) + 1);
    return entry;
  }

  /** Requests per endpoint key. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.countsByEndpoint);
  }

  /** Number of requests matching the filter (an endpoint key string is accepted directly); with a method or status, of those still in the log. */
  count(filter: RequestFilter | string = {}): number {
    const f = typeof filter === 'string' ? { endpoint: filter } : filter;
    if (f.method === undefined && f.status === undefined) {
      return f.endpoint === undefined ? this.total : (this.countsByEndpoint.get(f.endpoint) ?? 0);
    }
    return this.entries.filter((r) => matches(r, f)).length;
  }

  log(filter: RequestFilter | string = {}): RecordedRequest[] {
    const f = typeof filter === 'string' ? { endpoint: filter } : filter;
    return this.entries.filter((r) => matches(r, f));
  }

  /** Non-GET requests, in arrival order. */
  writes(filter: RequestFilter | string = {}): RecordedRequest[] {
    return this.log(filter).filter((r) => r.method !== 'GET');
  }

  reset(): void {
    this.entries = [];
    this.total = 0;
    this.countsByEndpoint.clear();
  }
}
