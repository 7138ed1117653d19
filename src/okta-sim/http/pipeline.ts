/**
 * The request pipeline, in order:
 *   record → concurrency gate (429, Limit 0/Remaining 0) → fault plan (latency; pre-apply faults:
 *   500/502/http/429/timeout/drop) → SSWS token check (401 E0000011) → rate-limit bucket (429
 *   E0000047) → route (404 E0000008 / 405 E0000022 / 400 E0000003 malformed JSON) → handler →
 *   post-apply faults (`timeout`/`drop` with `apply: true`) → response.
 *
 * Every response carries `Content-Type`, `Date` (the simulator's clock, like every timestamp it
 * serves), `X-Okta-Request-Id` and exactly one each of `X-Rate-Limit-Limit/Remaining/Reset` (Reset in
 * epoch seconds). Responses that don't count against a bucket (401, injected faults) report the
 * bucket's current state. Public routes (the spec's `security: []`) need no token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, OktaSimError } from '../errors';
import type { FaultInjector, TerminalFault } from '../faults/injector';
import type { ConcurrencyGate } from '../rate-limit/concurrency';
import type { RateLimiter, RateLimitState } from '../rate-limit/limiter';
import type { RequestRecorder, RecordedRequest } from '../recorder';
import type { Router } from './router';
import type { HandlerResult, SimCore } from './types';

export interface PipelineSettings {
  token: string;
  /** Added to every request. */
  latencyMs: number;
  /** Used when a request carries no Host header. */
  fallbackBaseUrl: () => string;
  /** Called once per request when its fate is known. */
  onComplete?: (r: RecordedRequest) => void;
}

export interface PipelineDeps {
  core: SimCore;
  router: Router;
  limiter: RateLimiter;
  gate: ConcurrencyGate;
  faults: FaultInjector;
  recorder: RequestRecorder;
  settings: PipelineSettings;
}

const HTML_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Pipeline {
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly d: PipelineDeps) {}

  /** Requests currently held by a `timeout` fault. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Destroy the connections of held requests (on close / reset). */
  releaseHeld(): void {
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }

  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((e: unknown) => {
      // Last resort: never leave a request hanging because of a simulator bug.
      if (!res.headersSent && !res.destroyed) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain');
        res.end(`okta-sim internal error: ${e instanceof Error ? e.stack : String(e)}`);
      }
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { core, router, limiter, gate, faults, recorder, settings } = this.d;
    const method = (req.method ?? 'GET').toUpperCase();
    const baseUrl = req.headers.host ? `http://${req.headers.host}` : settings.fallbackBaseUrl();
    // Concatenate rather than resolve, so `//api/v1/users` (an orgUrl with a trailing slash) stays a path.
    const url = new URL(baseUrl + (req.url ?? '/'));
    const match = router.match(method, url.pathname);
    const bucket = match.kind === 'ok' ? match.route.bucket : match.bucket;
    const requestId = core.ids.requestId();
    const raw = await readBody(req);
    let body: unknown;
    let malformed = false;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        malformed = true;
      }
    }
    const retryCount = req.headers['x-okta-retry-count'];
    const retryFor = req.headers['x-okta-retry-for'];
    const entry = recorder.begin({
      at: core.clock(),
      method,
      path: url.pathname,
      endpoint: match.endpoint,
      query: Object.fromEntries(url.searchParams),
      body,
      requestId,
      ...(typeof retryCount === 'string' ? { retryCount: Number(retryCount) } : {}),
      ...(typeof retryFor === 'string' ? { retryFor } : {}),
    });

    const send = (
      status: number,
      rl: RateLimitState,
      payload?: { json?: unknown; text?: string; contentType?: string },
      headers?: HandlerResult['headers'],
    ) => {
      if (res.destroyed) {
        entry.outcome = 'dropped';
        settings.onComplete?.(entry);
        return;
      }
      res.statusCode = status;
      res.setHeader('Content-Type', payload?.contentType ?? 'application/json');
      res.setHeader('Date', new Date(core.clock()).toUTCString());
      res.setHeader('X-Okta-Request-Id', requestId);
      res.setHeader('X-Rate-Limit-Limit', String(rl.limit));
      res.setHeader('X-Rate-Limit-Remaining', String(rl.remaining));
      res.setHeader('X-Rate-Limit-Reset', String(rl.reset));
      for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
      entry.status = status;
      entry.outcome = 'responded';
      if (payload?.text !== undefined) res.end(payload.text);
      else if (payload?.json !== undefined) res.end(JSON.stringify(payload.json));
      else res.end();
      settings.onComplete?.(entry);
    };
    const sendError = (err: OktaSimError, rl: RateLimitState) => send(err.status, rl, { json: err.toBody(core.ids.errorId()) });
    const hold = () => {
      entry.outcome = 'held';
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      settings.onComplete?.(entry);
    };
    const drop = () => {
      entry.outcome = 'dropped';
      req.socket.destroy();
      settings.onComplete?.(entry);
    };

    const concurrencyState = (): RateLimitState => ({
      limit: 0,
      remaining: 0,
      reset: Math.ceil((core.clock() + limiter.windowMs) / 1000),
    });

    if (!gate.tryEnter()) {
      entry.fault = 'concurrency';
      sendError(errors.rateLimited(), concurrencyState());
      return;
    }
    res.on('close', () => gate.leave());

    const plan = faults.plan(match.endpoint);
    const latency = settings.latencyMs + plan.latencyMs;
    if (latency > 0) await sleep(latency);
    const fault: TerminalFault | undefined = plan.terminal;
    if (fault) entry.fault = fault.type;
    if (fault && !('apply' in fault && fault.apply)) {
      const rl = limiter.peek(bucket);
      switch (fault.type) {
        case 'error500':
          return sendError(errors.internal(), rl);
        case 'html502':
          return send(502, rl, { text: fault.body ?? HTML_502, contentType: 'text/html' });
        case 'http':
          return send(fault.status, rl, { text: fault.body ?? '', contentType: fault.contentType ?? 'application/json' });
        case 'rateLimit':
          return sendError(errors.rateLimited(), { ...rl, remaining: 0 });
        case 'concurrencyLimit':
          return sendError(errors.rateLimited(), concurrencyState());
        case 'timeout':
          return hold();
        case 'drop':
          return drop();
      }
    }

    const open = match.kind === 'ok' && match.route.public === true;
    if (!open && req.headers.authorization !== `SSWS ${settings.token}`) return sendError(errors.invalidToken(), limiter.peek(bucket));

    const rl = limiter.consume(bucket);
    entry.rateWindow = { bucket, start: rl.windowStart };
    if (!rl.allowed) return sendError(errors.rateLimited(), rl);

    let result: HandlerResult;
    try {
      if (match.kind === 'notFound') throw errors.pathNotFound();
      if (match.kind === 'methodNotAllowed') throw errors.methodNotAllowed();
      if (malformed) throw errors.malformedBody();
      result = match.route.handler(
        { method, params: match.params, query: url.searchParams, body, headers: req.headers, baseUrl, requestUrl: url.toString(), now: core.clock() },
        core,
      );
    } catch (e) {
      const err = e instanceof OktaSimError ? e : errors.internal();
      if (!(e instanceof OktaSimError)) this.reportBug(e, entry);
      result = { status: err.status, body: err.toBody(core.ids.errorId()) };
    }

    if (fault?.type === 'timeout') return hold();
    if (fault?.type === 'drop') return drop();
    send(result.status, rl, result.body === undefined ? undefined : { json: result.body }, result.headers);
  }

  private reportBug(e: unknown, entry: RecordedRequest): void {
    process.emitWarning(`okta-sim handler error on ${entry.endpoint}: ${e instanceof Error ? e.stack : String(e)}`);
  }
}
