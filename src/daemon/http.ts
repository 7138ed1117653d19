/**
 * The daemon's HTTP endpoint (`metrics.listen`): GET /metrics (Prometheus text format) and GET
 * /healthz (200 or 503 with the reason as text). Nothing else: every other path is 404, every
 * other method 405. Read-only, no authentication: it binds to loopback unless configured otherwise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Health } from './health';
import type { ListenAddress } from './schema';

export interface EndpointHandlers {
  metrics(): Promise<{ contentType: string; body: string }>;
  health(): Health;
}

export interface HttpEndpoint {
  /** Where it listens, as host:port (the real port when 0 was asked for). */
  readonly address: string;
  close(): Promise<void>;
}

export async function startHttpEndpoint(at: ListenAddress, handlers: EndpointHandlers): Promise<HttpEndpoint> {
  const server = createServer((req, res) => void handle(req, res, handlers));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return {
    address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, h: EndpointHandlers): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const send = (status: number, contentType: string, body: string) => {
    res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (path !== '/metrics' && path !== '/healthz') return send(404, 'text/plain; charset=utf-8', 'not found: /metrics and /healthz are served here\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  try {
    if (path === '/metrics') {
      const m = await h.metrics();
      return send(200, m.contentType, m.body);
    }
    const health = h.health();
    return send(health.ok ? 200 : 503, 'text/plain; charset=utf-8', `${health.reason}\n`);
  } catch (e) {
    return send(500, 'text/plain; charset=utf-8', `error: ${(e as Error).message}\n`);
  }
}
