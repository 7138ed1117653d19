/**
 * `ldap-okta-sync okta-sim --port N [--token T] [--seed file.json]`: run the simulator in the
 * foreground. Prints the URL and token, optionally one line per request, and stops on SIGINT /
 * SIGTERM (or `stop()`). The CLI wires the command; this module owns the behaviour.
 */
import { startOktaSimulator, type OktaSimulator, type OktaSimulatorOptions } from './simulator';

export interface ForegroundOptions extends OktaSimulatorOptions {
  /** Print `METHOD path → status` per request (default true). */
  logRequests?: boolean;
  /** Where to print (default process.stdout). */
  out?: NodeJS.WritableStream;
  /** Install SIGINT/SIGTERM handlers that stop the simulator (default true). */
  handleSignals?: boolean;
}

export interface OktaSimForeground {
  sim: OktaSimulator;
  /** Resolves once the simulator has stopped. */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

export async function runOktaSimForeground(opts: ForegroundOptions = {}): Promise<OktaSimForeground> {
  const out = opts.out ?? process.stdout;
  const logRequests = opts.logRequests ?? true;
  const sim = await startOktaSimulator({
    ...opts,
    onRequest: (r) => {
      opts.onRequest?.(r);
      if (logRequests) {
        const fate = r.outcome === 'responded' ? String(r.status) : r.outcome;
        out.write(`${new Date(r.at).toISOString()} ${r.method} ${r.path} → ${fate}${r.fault ? ` (fault: ${r.fault})` : ''}\n`);
      }
    },
  });
  out.write(`Okta simulator listening on ${sim.url}\n`);
  out.write(`API token: ${sim.token}\n`);
  out.write(`Use: orgUrl=${sim.url}  Authorization: SSWS ${sim.token}\n`);
  if (sim.store.userCount || sim.store.groupCount) {
    out.write(`Seeded ${sim.store.userCount} users and ${sim.store.groupCount} groups\n`);
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const onSignal = () => void stop();
  const handleSignals = opts.handleSignals ?? true;
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    stopping ??= (async () => {
      if (handleSignals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      await sim.close();
      out.write('Okta simulator stopped\n');
      resolveStopped();
    })();
    return stopping;
  }
  return { sim, stopped, stop };
}
