/** `okta-sim`: the built-in Okta simulator in the foreground, until SIGINT/SIGTERM. */
import { runOktaSimForeground } from '../../okta-sim/foreground';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

const NO_LIMIT = 1_000_000_000;

export async function cmdOktaSim(
  opts: { port: number; host: string; token?: string; seed?: string; quiet?: boolean; unlimited?: boolean },
  io: Io,
): Promise<ExitCode> {
  io.err('This is a simulator for tests and trials, not Okta. Ctrl-C stops it.');
  const rateLimits = opts.unlimited
    ? { users: NO_LIMIT, userById: NO_LIMIT, userWrite: NO_LIMIT, groups: NO_LIMIT, groupById: NO_LIMIT, other: NO_LIMIT }
    : undefined;
  const fg = await runOktaSimForeground({
    port: opts.port,
    host: opts.host,
    token: opts.token,
    seedFile: opts.seed,
    rateLimits,
    out: io.stdout,
    logRequests: !opts.quiet,
  });
  await fg.stopped;
  return EXIT.OK;
}
