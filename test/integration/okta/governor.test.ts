/**
 * The rate-limit governor through the agent's real Okta client (SDK + executor + governor) against
 * the simulator with short windows and small limits. Counts, not times: each create is counted in
 * the window the simulator put it in (its request log), and the 429s are counted.
 */
import { startOktaSimulator, type OktaSimulator, type OktaSimulatorOptions } from '../../../src/okta-sim';
import { SdkOktaClient, type OktaConnection } from '../../../src/okta/client';
import { Secret } from '../../../src/util/secret';

for (const k of Object.keys(process.env)) if (k.startsWith('OKTA_CLIENT_')) delete process.env[k];

const CREATE = 'POST /api/v1/users';
let sim: OktaSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** `n` creates from twice as many callers as the concurrency bound allows at once. */
async function createThrough(options: OktaSimulatorOptions, share: number, n: number): Promise<OktaSimulator> {
  sim = await startOktaSimulator(options);
  const config: OktaConnection = {
    orgUrl: sim.url,
    token: new Secret(sim.token, 'test'),
    activate: true,
    provider: 'okta',
    concurrency: 4,
    rateLimitShare: share,
    requestTimeoutMs: 10_000,
    maxRetries: 5,
  };
  const client = new SdkOktaClient(config);
  let next = 0;
  const caller = async () => {
    while (next < n) {
      const login = `g${next++}@example.com`;
      await client.createUser({ login, email: login, firstName: 'G', lastName: 'Governed' }, { activate: true, provider: 'okta' });
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, caller));
  } finally {
    client.close();
  }
  return sim;
}

/** Creates the simulator counted, per window. */
function perWindow(s: OktaSimulator): number[] {
  const counts = new Map<number, number>();
  for (const r of s.requests.log(CREATE)) if (r.rateWindow && r.status !== 429) counts.set(r.rateWindow.start, (counts.get(r.rateWindow.start) ?? 0) + 1);
  return [...counts.values()];
}

test.each([
  ['windows opened by the first request, 2 s, limit 40, share 0.5', { windowMs: 2000, rateLimits: { users: 40 } }, 0.5, 100],
  ['back-to-back windows, 1 s, limit 20, share 0.9', { windowMs: 1000, windowPhaseMs: 337, rateLimits: { users: 20 } }, 0.9, 100],
])('%s: every window holds at most the share, at most 1 %% of requests draw a 429', async (_, options, share, n) => {
  const s = await createThrough(options, share, n);
  expect(s.store.userCount).toBe(n);
  const rejected = s.requests.count({ endpoint: CREATE, status: 429 });
  expect(s.counts()).toEqual({ [CREATE]: n + rejected });
  expect(rejected).toBeLessThanOrEqual(0.01 * (n + rejected));
  const windows = perWindow(s);
  const limit = options.rateLimits.users;
  expect(Math.max(...windows)).toBeLessThanOrEqual(Math.floor(share * limit));
  // the work spread over the windows the share needs, not over fewer
  expect(windows.length).toBeGreaterThanOrEqual(Math.ceil(n / (share * limit)));
});
