import { bucketOf, parseRateHeaders, RateGovernor, type Bucket, type RateHeaders } from '../../../src/okta/governor';
import { ServerClock, WindowTimer } from '../../../src/okta/rate-window';
import { achieved, drive, type Scenario } from './virtual-okta';

function clock(start = 1_000_000) {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
    advance: (ms: number) => (t += ms),
  };
}

/** One request of `bucket` answered at once with these headers. */
async function answered(g: RateGovernor, bucket: Bucket, headers: RateHeaders, status = 200): Promise<void> {
  (await g.acquire(bucket)).release({ headers, status });
}

describe("bucketOf follows Okta's documented buckets", () => {
  test.each([
    ['GET', '/api/v1/users', 'users'],
    ['POST', '/api/v1/users?activate=true', 'users'],
    ['GET', '/api/v1/users/00u1', 'user-get'],
    ['GET', '/api/v1/users/ada%40example.com', 'user-get'],
    ['POST', '/api/v1/users/00u1', 'user-write'],
    ['POST', '/api/v1/users/00u1/lifecycle/suspend', 'other'],
    ['GET', '/api/v1/groups', 'groups'],
    ['GET', '/api/v1/groups/00g1', 'group'],
    ['PUT', '/api/v1/groups/00g1/users/00u1', 'other'],
  ])('%s %s → %s', (m, p, b) => expect(bucketOf(m, `http://okta.test${p}`)).toBe(b));
});

describe('RateGovernor', () => {
  test('nothing is known before the first response: only concurrency applies', async () => {
    const c = clock();
    const g = new RateGovernor({ share: 0.5, concurrency: 2, now: c.now, sleep: c.sleep });
    const r1 = await g.acquire('users');
    const r2 = await g.acquire('users');
    let third = false;
    const p = g.acquire('users').then((r) => {
      third = true;
      return r;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    r1.release();
    (await p).release();
    r2.release();
    expect(third).toBe(true);
    expect(c.slept).toEqual([]);
  });

  test('the share of a bucket is respected: with the reserve reached it waits for the window to end', async () => {
    const c = clock(1_000_000);
    const g = new RateGovernor({ share: 0.5, concurrency: 4, now: c.now, sleep: c.sleep });
    // limit 600, remaining 300 → the other half is the reserve left to others; Reset 30 s away
    await answered(g, 'users', { limit: 600, remaining: 300, resetSec: 1030 });
    (await g.acquire('users')).release();
    expect(c.slept).toEqual([30_000]);
    expect(g.waitedMs).toBe(30_000);
  });

  test('the allowance is spread evenly over the time left', async () => {
    const c = clock(1_000_000);
    const g = new RateGovernor({ share: 1, concurrency: 4, now: c.now, sleep: c.sleep });
    await answered(g, 'user-write', { limit: 100, remaining: 9, resetSec: 1010 });
    for (let i = 0; i < 3; i++) await answered(g, 'user-write', { limit: 100, remaining: 8 - i, resetSec: 1010 });
    // 10 s left, 9 allowed: one request now, the next ones 10 s ÷ 9 apart
    expect(c.slept).toHaveLength(2);
    for (const ms of c.slept) expect(ms).toBeCloseTo(10_000 / 9, 6);
  });

  test('a 429 empties the bucket until the window ends', async () => {
    const c = clock(1_000_000);
    const g = new RateGovernor({ share: 0.9, concurrency: 1, now: c.now, sleep: c.sleep });
    await answered(g, 'users', { limit: 600, remaining: 500, resetSec: 1005 }, 429);
    (await g.acquire('users')).release();
    expect(c.slept).toEqual([5_000]);
    expect(g.waitedMs).toBe(5_000);
  });

  test("a concurrency 429 (Limit 0) pauses every bucket briefly, growing, and leaves the buckets' windows alone", async () => {
    const c = clock(1_000_000);
    const g = new RateGovernor({ share: 1, concurrency: 4, now: c.now, sleep: c.sleep, random: () => 0.5 });
    await answered(g, 'users', { limit: 600, remaining: 599, resetSec: 1060 });
    // Okta's Reset on a concurrency 429 is only an estimate (the simulator's: a window away)
    await answered(g, 'user-get', { limit: 0, remaining: 0, resetSec: 1060 }, 429);
    (await g.acquire('users')).release({ headers: { limit: 0, remaining: 0, resetSec: 1061 }, status: 429 });
    (await g.acquire('group')).release();
    expect(c.slept).toEqual([1000, 2000]);
    // the users window still has its allowance: no wait for its reset
    expect(g.delayFor('users').why).not.toMatch(/reset/);
  });

  test("the limits answers gave are kept per bucket (for the plan's forecast); a concurrency 429's Limit 0 is not a limit", async () => {
    const c = clock(1_000_000);
    const g = new RateGovernor({ share: 0.5, concurrency: 4, now: c.now, sleep: c.sleep, random: () => 0.5 });
    await answered(g, 'users', { limit: 600, remaining: 599, resetSec: 1060 });
    await answered(g, 'users', { limit: 0, remaining: 0, resetSec: 1060 }, 429);
    expect([...g.seenLimits]).toEqual([['users', { limit: 600, seenAt: 1_000_000 }]]);
  });

  test("a request waiting for its bucket's pace does not hold a concurrency slot another bucket could use", async () => {
    const c = clock(1_000_000);
    const g = new RateGovernor({ share: 1, concurrency: 1, now: c.now, sleep: () => new Promise<void>(() => undefined) });
    await answered(g, 'users', { limit: 100, remaining: 2, resetSec: 1010 });
    const first = await g.acquire('users');
    first.release();
    void g.acquire('users'); // paced: 5 s away, sleeps forever here
    const other = await g.acquire('groups');
    other.release();
  });

  test('once the window is over, the last pace goes on until the next window answers (no stall at the boundary)', async () => {
    const c = clock(1_000_000);
    const g = new RateGovernor({ share: 1, concurrency: 4, now: c.now, sleep: c.sleep });
    await answered(g, 'users', { limit: 10, remaining: 4, resetSec: 1001 });
    for (let i = 0; i < 4; i++) await answered(g, 'users', { limit: 10, remaining: 3 - i, resetSec: 1001 });
    // answers from the next window have not come back yet
    for (let i = 0; i < 2; i++) (await g.acquire('users')).release();
    // 4 allowed over 1 s, 250 ms apart (the last one waits for the window's end), then the window
    // is over: the same pace, no wait for the next window's headers
    expect(c.slept).toEqual([250, 250, 250, 250, 250]);
  });
});

describe('the governor against the simulator’s windows, in virtual time (counts per window)', () => {
  const base: Omit<Scenario, 'share'> = { limit: 600, windowMs: 10_000, skewMs: 3_700, oneWayMs: 15, concurrency: 4, windows: 12 };
  test.each([
    ['windows opened by a request (the simulator)', 0.5, {}],
    ['windows opened by a request (the simulator)', 0.9, {}],
    ['back-to-back windows, server clock ahead', 0.5, { phaseMs: 1_234, skewMs: -2_200 }],
    ['back-to-back windows, server clock ahead', 0.9, { phaseMs: 1_234, skewMs: -2_200 }],
  ])('%s, share %s: never more than the share in a window, no 429, ≥ 0.97 of the share once the windows are learnt', async (_, share, over) => {
    const s: Scenario = { ...base, share, ...over };
    const o = await drive(s);
    expect(Math.max(...o.perWindow.values())).toBeLessThanOrEqual(s.share * s.limit);
    expect(o.rejected429).toBe(0);
    // two windows to learn their length, then the share is used
    expect(achieved(s, o, 3, s.windows - 1)).toBeGreaterThanOrEqual(0.97);
    // and from the start, Reset's whole seconds cost little even on a 10 s window
    expect(achieved(s, o, 0, s.windows - 1)).toBeGreaterThanOrEqual(0.95);
  });

  test('short windows and small limits (1 s, 20 a window): the share is kept, no 429 even at share 1', async () => {
    for (const share of [0.5, 1]) {
      const s: Scenario = { share, limit: 20, windowMs: 1000, skewMs: 40, oneWayMs: 10, concurrency: 4, windows: 30 };
      const o = await drive(s);
      expect(Math.max(...o.perWindow.values())).toBeLessThanOrEqual(s.share * s.limit);
      expect(o.rejected429).toBe(0);
      // a window's end is known to about two paces: with 10 or 20 requests a window that costs more
      expect(achieved(s, o, 3, s.windows - 1)).toBeGreaterThanOrEqual(0.85);
    }
  });

  test('a Reset rounded down (the window outlives it) is noticed at once: a few requests over the share, in the first window only', async () => {
    const s: Scenario = { ...base, share: 0.9, phaseMs: 1_500, resetRounding: 'down', windows: 8 };
    const o = await drive(s);
    const [first, ...later] = [...o.perWindow.values()];
    // the requests sent in one round trip after the supposed end, within the reserve left to others
    expect(first - s.share * s.limit).toBeLessThanOrEqual(5);
    expect(Math.max(...later)).toBeLessThanOrEqual(s.share * s.limit);
    expect(o.rejected429).toBe(0);
    expect(achieved(s, o, 3, s.windows - 1)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('ServerClock', () => {
  test('our clock minus the server’s, from whole-second Date headers, is bounded from above within milliseconds', () => {
    const sc = new ServerClock();
    expect(sc.offset).toBe(0);
    const skew = 3_700; // we are 3.7 s ahead
    for (let t = 1_000_000_000; t < 1_000_010_000; t += 137) sc.sample(t + 2, Math.floor((t - skew) / 1000) * 1000);
    expect(sc.offset).toBeGreaterThanOrEqual(skew);
    expect(sc.offset).toBeLessThan(skew + 150);
  });
});

describe('WindowTimer', () => {
  test('two window changes teach the window length; the end is then known to the pace, never before it', () => {
    const wt = new WindowTimer();
    const W = 10_000;
    const ends: number[] = [];
    // back-to-back windows ending at 12_345 + k·W (server = our clock), a request every 100 ms, 20 ms a hop
    for (let sent = 5_000; sent < 60_000; sent += 100) {
      const arrival = sent + 20;
      const end = 12_345 + Math.ceil((arrival - 12_345 + 1) / W) * W;
      wt.answer(Math.ceil(end / 1000), sent, arrival + 20);
      const est = wt.endsAt(0);
      expect(est).toBeGreaterThanOrEqual(end);
      ends.push(est - end);
    }
    // before any change: up to Reset's rounding (the end is at .345 s, Reset says the next second)
    expect(ends[0]).toBe(655);
    expect(ends[ends.length - 1]).toBeLessThanOrEqual(250);
  });

  test('parseRateHeaders reads Reset as epoch seconds and the Date header; a duplicated Reset is ignored', () => {
    const h = (m: Record<string, string>) => (n: string) => m[n] ?? null;
    expect(
      parseRateHeaders(h({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '10', 'x-rate-limit-reset': '1000', date: 'Thu, 01 Jan 1970 00:16:30 GMT' })),
    ).toEqual({ limit: 600, remaining: 10, resetSec: 1000, serverDate: 990_000 });
    expect(parseRateHeaders(h({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '10', 'x-rate-limit-reset': '1000, 1001' }))).toBeUndefined();
  });
});
