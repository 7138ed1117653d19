/**
 * The Okta simulator in its own process, for the benches that drive the agent's real Okta client
 * against it (so the simulator's work does not share the event loop being measured).
 *
 * `startSimProcess(options)` forks this file with the simulator's options (any JSON-serialisable
 * {@link OktaSimulatorOptions}: rate limits, window, latency, seed data…) and talks to it over the
 * IPC channel: the request log (without bodies), the counts by endpoint, a reset, and stop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { startOktaSimulator, type OktaSimulatorOptions, type RecordedRequest } from '../src/okta-sim';

/** A request as the simulator logged it, without its body and query. */
export type LoggedRequest = Pick<RecordedRequest, 'seq' | 'at' | 'method' | 'endpoint' | 'status' | 'outcome' | 'fault' | 'rateWindow' | 'retryCount'>;

type Command = { id: number; cmd: 'log' | 'counts' | 'reset' };
type Reply = { id: number; result: unknown };
type Ready = { ready: { url: string; token: string } };

export interface SimProcess {
  url: string;
  token: string;
  log(): Promise<LoggedRequest[]>;
  counts(): Promise<Record<string, number>>;
  /** Empty the org, the request log and the rate-limit windows. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export type SimProcessOptions = Omit<OktaSimulatorOptions, 'clock' | 'onRequest'>;

export async function startSimProcess(options: SimProcessOptions): Promise<SimProcess> {
  const child: ChildProcess = fork(__filename, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, (r: unknown) => void>();
  let next = 0;
  const ready = new Promise<Ready['ready']>((resolve, reject) => {
    child.on('message', (m: Reply | Ready) => {
      if ('ready' in m) resolve(m.ready);
      else pending.get(m.id)?.(m.result);
    });
    child.on('exit', (code) => reject(new Error(`okta simulator process exited ${code}`)));
  });
  const { url, token } = await ready;
  const ask = <T>(cmd: Command['cmd']): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = ++next;
      pending.set(id, (r) => {
        pending.delete(id);
        resolve(r as T);
      });
      child.send({ id, cmd } satisfies Command);
    });
  return {
    url,
    token,
    log: () => ask<LoggedRequest[]>('log'),
    counts: () => ask<Record<string, number>>('counts'),
    reset: () => ask<void>('reset'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The child: run the simulator until SIGTERM or the parent goes away. */
async function child(): Promise<void> {
  const sim = await startOktaSimulator(JSON.parse(process.argv[2]) as SimProcessOptions);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.on('message', (m: Command) => {
    let result: unknown;
    if (m.cmd === 'log') {
      result = sim.requests.log().map(({ seq, at, method, endpoint, status, outcome, fault, rateWindow, retryCount }) => ({
        seq,
        at,
        method,
        endpoint,
        status,
        outcome,
        fault,
        rateWindow,
        retryCount,
      }));
    } else if (m.cmd === 'counts') {
      result = sim.counts();
    } else {
      sim.reset();
    }
    process.send?.({ id: m.id, result } satisfies Reply);
  });
  process.send?.({ ready: { url: sim.url, token: sim.token } } satisfies Ready);
}

if (require.main === module) {
  child().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
