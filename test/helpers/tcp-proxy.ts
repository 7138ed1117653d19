/**
 * A TCP proxy between the agent and a directory server, to pick the moment a server dies: it
 * forwards both ways and counts what the server sent; `holdAfter(bytes)` stops forwarding the
 * server's answers once that many more bytes went through (the agent then waits in the middle of
 * whatever it was reading), and `release()` lets what is held through and, for a server that went
 * away meanwhile, closes the agent's side as the server closed its own.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  /** ldap://127.0.0.1:<port> */
  readonly url: string;
  /** Bytes the server sent through the proxy so far. */
  readonly bytesDown: number;
  /** Resolves once `bytes` more bytes came from the server, with forwarding held from there on. */
  holdAfter(bytes: number): Promise<void>;
  /** Forward again (and close the agent's side of connections whose server side closed). */
  release(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let bytesDown = 0;
  let held = false;
  let trigger: { at: number; fire: () => void } | undefined;
  const pairs = new Set<{ client: Socket; upstream: Socket; queued: Buffer[]; upstreamClosed: boolean }>();

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, queued: [] as Buffer[], upstreamClosed: false };
    pairs.add(pair);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      if (held) {
        pair.queued.push(d);
        return;
      }
      client.write(d);
      bytesDown += d.length;
      if (trigger && bytesDown >= trigger.at) {
        held = true;
        trigger.fire();
        trigger = undefined;
      }
    });
    const closeUpstream = () => {
      pair.upstreamClosed = true;
      if (!held) client.destroy();
    };
    upstream.on('close', closeUpstream);
    upstream.on('error', () => undefined);
    client.on('error', () => undefined);
    client.on('close', () => {
      upstream.destroy();
      pairs.delete(pair);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;

  return {
    url: `ldap://127.0.0.1:${port}`,
    get bytesDown() {
      return bytesDown;
    },
    holdAfter(bytes) {
      return new Promise<void>((resolve) => {
        trigger = { at: bytesDown + bytes, fire: resolve };
      });
    },
    release() {
      held = false;
      for (const p of pairs) {
        for (const d of p.queued.splice(0)) p.client.write(d);
        if (p.upstreamClosed) p.client.destroy();
      }
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise((r) => server.close(r));
    },
  };
}
