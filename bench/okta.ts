/**
 * `npm run bench -- okta`: the agent against the Okta simulator (in its own process), issue 8's
 * figures. Each scenario lives in its own file and returns its figures; they are printed as the
 * scenarios run and written to bench/results.json under `okta`.
 *   okta-mirror.ts  readsPerCreate, writesPerCreate, requestsPerUserNoChange,
 *                   requestsPerChangeIncremental, driftRepaired (10,000 messy people in slapd)
 *   okta-share.ts   shareAchieved, rate429 (and windowUse) at share 0.5 and 0.9
 */
import { benchOktaMirror } from './okta-mirror';
import { benchOktaShare } from './okta-share';
import type { Figures } from './results';

export async function benchOkta(): Promise<Figures> {
  console.log('\n== okta: the agent against the Okta simulator in its own process');
  return { ...(await benchOktaMirror()), ...(await benchOktaShare()) };
}
