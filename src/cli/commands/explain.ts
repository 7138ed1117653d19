/**
 * `explain <anchor | login | DN>`: one user from its directory values through each transform step
 * to the profile the next sync would send (and its diff against what Okta has from the agent), what
 * the state says, and what the last run did with it. Read-only (state and Okta).
 *
 * Exit codes of its own (besides the common ones): 9 when the key matches no user, 10 when it
 * matches several (they are listed; name one by anchor or DN).
 */
import { loadConfig } from '../../config/load';
import { explainKey } from '../../inspect/explain';
import { formatCandidates, formatExplanation } from '../../output/explain';
import { readsOf } from '../../sync/mirror/refresh';
import { createAgent, makeLogger } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdExplain(key: string, opts: { config: string; json?: boolean }, io: Io): Promise<ExitCode> {
  if (!key.trim()) {
    io.err('ldap-okta-sync: explain needs an anchor, a login or a DN');
    return EXIT.USAGE;
  }
  const loaded = loadConfig(opts.config);
  const log = makeLogger(loaded.config, io.stderr);
  const agent = createAgent(loaded, { readonly: true, log });
  const oktaClient = agent.oktaClient;
  try {
    const result = await explainKey(
      { config: agent.config, source: agent.source, state: agent.state, pipeline: agent.pipeline, okta: readsOf(oktaClient), log },
      key,
    );
    if (result.kind === 'not-found') {
      if (opts.json) io.out(JSON.stringify(result, null, 2));
      io.err(
        `ldap-okta-sync: no user matches ${JSON.stringify(key)} (looked for an anchor, a DN or a login-like attribute in the directory, and an anchor, login, Okta id or DN in the state)`,
      );
      return EXIT.NOT_FOUND;
    }
    if (result.kind === 'ambiguous') {
      if (opts.json) io.out(JSON.stringify(result, null, 2));
      io.err(formatCandidates(key, result.candidates));
      return EXIT.AMBIGUOUS;
    }
    io.out(opts.json ? JSON.stringify(result, null, 2) : formatExplanation(result));
    return EXIT.OK;
  } finally {
    await agent.close();
  }
}
