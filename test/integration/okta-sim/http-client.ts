/**
 * Minimal raw HTTP client for simulator tests (node:http, so repeated headers such as `Link` stay
 * visible in `rawHeaders`).
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { OktaSimulator } from '../../../src/okta-sim';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json: any;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text (sent as-is). */
  rawBody?: string;
  /** Token to send; null = no Authorization header; default: the simulator's token. */
  token?: string | null;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function call(sim: OktaSimulator, method: string, path: string, opts: CallOptions = {}): Promise<RawResponse> {
  const url = new URL(path.startsWith('http') ? path : sim.url + path);
  const payload = opts.rawBody ?? (opts.body === undefined ? '' : JSON.stringify(opts.body));
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Length': String(Buffer.byteLength(payload)),
    ...(payload ? { 'Content-Type': 'application/json' } : {}),
    ...(opts.headers ?? {}),
  };
  const token = opts.token === undefined ? sim.token : opts.token;
  if (token !== null) headers.Authorization = `SSWS ${token}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Values of a header that may appear several times (e.g. `Link`). */
export function headerLines(res: RawResponse, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    if (res.rawHeaders[i].toLowerCase() === name.toLowerCase()) out.push(res.rawHeaders[i + 1]);
  }
  return out;
}

/** The `next` URL from the Link headers, if any. */
export function nextLink(res: RawResponse): string | undefined {
  for (const line of headerLines(res, 'link')) {
    const m = /^<([^>]+)>;\s*rel="next"$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

export function testProfile(n: number | string, extra: Record<string, unknown> = {}) {
  return { login: `user${n}@example.com`, email: `user${n}@example.com`, firstName: `First${n}`, lastName: `Last${n}`, ...extra };
}
