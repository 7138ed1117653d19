/**
 * Governor share scenario of the `okta` bench: does the agent use the share of a rate-limit bucket
 * it is configured for (`okta.rateLimitShare`), and no more, without drawing 429s?
 *
 * The simulator runs in its own process with Okta's create/list limit (600 a window) and a short
 * window; the agent's real Okta client (SDK + our executor + governor) creates users from several
 * callers at once, more than the share allows, for a number of windows. From the simulator's
 * request log:
 * - `shareAchieved`: creates answered 2xx a second ÷ (share × limit ÷ window), over whole windows
 *   from the first request (goal ≥ 0.95);
 * - `rate429`: requests answered 429 ÷ all requests (goal ≤ 0.01);
 * - `windowUse`: the most requests one window counted (429s aside) ÷ (share × limit) (≤ 1: the
 *   share is kept).
 */
import { SdkOktaClient, type OktaConnection } from '../src/okta/client';
import { Secret } from '../src/util/secret';
import { startSimProcess, type LoggedRequest } from './okta-sim-process';
import { ratio, type Figures } from './results';

export interface ShareScenario {
  share: number;
  /** Requests a window of the bucket the creates fall in (`users`). */
  limit: number;
  windowMs: number;
  /** Whole windows measured. */
  windows: number;
  /** Latency the simulator adds to every request. */
  latencyMs: number;
  /** okta.concurrency */
  concurrency: number;
}

export interface ShareFigures {
  scenario: ShareScenario;
  requests: number;
  created: number;
  rate429: number;
  shareAchieved: number;
  /** The same over the first two windows, and from the third on (the governor learns the windows' timing in two). */
  firstTwoWindows: number;
  fromThirdWindow: number;
  windowUse: number;
  waitedMs: number;
}

const CREATE = 'POST /api/v1/users';

/** Measure one scenario: the simulator in its own process, the agent's client in this one. */
export async function measureShare(s: ShareScenario): Promise<ShareFigures> {
  const sim = await startSimProcess({ rateLimits: { users: s.limit }, windowMs: s.windowMs, latencyMs: s.latencyMs, concurrencyLimit: 75 });
  const config: OktaConnection = {
    orgUrl: sim.url,
    token: new Secret(sim.token, 'bench'),
    activate: true,
    provider: 'okta',
    concurrency: s.concurrency,
    rateLimitShare: s.share,
    requestTimeoutMs: 30_000,
    maxRetries: 5,
  };
  const client = new SdkOktaClient(config);
  try {
    const until = Date.now() + s.windows * s.windowMs + 200;
    let n = 0;
    const caller = async () => {
      while (Date.now() < until) {
        const i = n++;
        const login = `share${s.share}-${i}@example.com`;
        await client.createUser({ login, email: login, firstName: 'Share', lastName: `User${i}` }, { activate: true, provider: 'okta' });
      }
    };
    // more callers than the concurrency bound: the governor, not the callers, sets the pace
    await Promise.all(Array.from({ length: s.concurrency * 2 }, caller));
    return figuresOf(s, await sim.log(), client.rateLimitWaitMs);
  } finally {
    client.close();
    await sim.stop();
  }
}

export function figuresOf(s: ShareScenario, log: LoggedRequest[], waitedMs: number): ShareFigures {
  const creates = log.filter((r) => r.endpoint === CREATE);
  if (!creates.length) throw new Error('no create reached the simulator');
  const t0 = creates[0].at;
  const span = s.windows * s.windowMs;
  const created = creates.filter((r) => r.at < t0 + span && r.status !== null && r.status < 300).length;
  const achieved = (from: number, to: number) =>
    creates.filter((r) => r.at >= t0 + from * s.windowMs && r.at < t0 + to * s.windowMs && r.status !== null && r.status < 300).length /
    ((to - from) * s.share * s.limit);
  const perWindow = new Map<number, number>();
  for (const r of creates) if (r.rateWindow && r.status !== 429) perWindow.set(r.rateWindow.start, (perWindow.get(r.rateWindow.start) ?? 0) + 1);
  const allowed = s.share * s.limit;
  return {
    scenario: s,
    requests: log.length,
    created,
    rate429: log.filter((r) => r.status === 429).length / log.length,
    shareAchieved: achieved(0, s.windows),
    firstTwoWindows: achieved(0, 2),
    fromThirdWindow: achieved(2, s.windows),
    windowUse: Math.max(...perWindow.values()) / allowed,
    waitedMs,
  };
}

export const SHARE_SCENARIO: Omit<ShareScenario, 'share'> = { limit: 600, windowMs: 10_000, windows: 9, latencyMs: 30, concurrency: 4 };
const SHARES = [0.5, 0.9];

/** Run the scenario at share 0.5 and 0.9, print them side by side, return the figures. */
export async function benchOktaShare(): Promise<Figures> {
  const sc = SHARE_SCENARIO;
  console.log(
    `\n-- governor share: creates through the agent's Okta client, simulator in its own process ` +
      `(users bucket ${sc.limit} a ${sc.windowMs / 1000} s window, ${sc.windows} windows, ${sc.latencyMs} ms latency, concurrency ${sc.concurrency})`,
  );
  const figs: ShareFigures[] = [];
  for (const share of SHARES) figs.push(await measureShare({ ...sc, share }));
  const rows: [string, (f: ShareFigures) => string][] = [
    ['requests', (f) => String(f.requests)],
    ['creates in the measured windows', (f) => String(f.created)],
    ['shareAchieved (achieved ÷ configured)', (f) => f.shareAchieved.toFixed(3)],
    ['  first two windows', (f) => f.firstTwoWindows.toFixed(3)],
    ['  from the third window', (f) => f.fromThirdWindow.toFixed(3)],
    ['rate429 (429s ÷ requests)', (f) => f.rate429.toFixed(4)],
    ['most in one window ÷ share × limit', (f) => f.windowUse.toFixed(3)],
    ['governor waits for a reset', (f) => `${(f.waitedMs / 1000).toFixed(1)} s`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`  ${''.padEnd(w)}  ${figs.map((f) => `share ${f.scenario.share}`.padStart(12)).join('')}`);
  for (const [label, get] of rows) console.log(`  ${label.padEnd(w)}  ${figs.map((f) => get(f).padStart(12)).join('')}`);
  const out: Figures = {};
  for (const f of figs) {
    out[`shareAchieved@${f.scenario.share}`] = { value: ratio(f.shareAchieved), unit: '× configured share', goal: '≥ 0.95' };
    out[`rate429@${f.scenario.share}`] = { value: ratio(f.rate429), unit: '429s ÷ requests', goal: '≤ 0.01' };
    out[`windowUse@${f.scenario.share}`] = { value: ratio(f.windowUse), unit: 'most requests in one window ÷ (share × limit)', goal: '≤ 1' };
  }
  return out;
}
