/** `okta-sim`: the built-in Okta simulator in the foreground, until SIGINT/SIGTERM. */
import { startOktaSimulator } from '../../okta-sim/simulator';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdOktaSim(opts: { port: number; host: string; token?: string; seed?: string }, io: Io): Promise<ExitCode> {
  const sim = await startOktaSimulator({ port: opts.port, host: opts.host, token: opts.token, seedFile: opts.seed });
  io.out(`Okta simulator listening on ${sim.url}`);
  io.out(`API token: ${sim.token}`);
  io.out('This is a simulator for tests and trials, not Okta. Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return EXIT.OK;
}
