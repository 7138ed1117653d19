import { bucketOf, parseRateHeaders, RateGovernor } from '../../../src/okta/governor';

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
    r1();
    (await p)();
    r2();
    expect(third).toBe(true);
    expect(c.slept).toEqual([]);
  });

  test('the share of a bucket is respected: with the reserve reached it waits for the reset', async () => {
    const c = clock();
    const g = new RateGovernor({ share: 0.5, concurrency: 4, now: c.now, sleep: c.sleep });
    // limit 600, remaining 300 → the other half is the reserve left to others
    g.observe('users', { limit: 600, remaining: 300, resetAt: c.now() + 30_000 }, 200);
    const release = await g.acquire('users');
    release();
    expect(c.slept.length).toBe(1);
    expect(c.slept[0]).toBeGreaterThanOrEqual(30_000);
  });

  test('the allowance is spread evenly over the time left', async () => {
    const c = clock();
    const g = new RateGovernor({ share: 1, concurrency: 4, now: c.now, sleep: c.sleep });
    g.observe('user-write', { limit: 100, remaining: 9, resetAt: c.now() + 10_000 }, 200);
    for (let i = 0; i < 3; i++) (await g.acquire('user-write'))();
    // first request starts at once; the next ones are paced about 1 s apart (10 s / ~9 left)
    expect(c.slept.length).toBe(2);
    for (const s of c.slept) expect(s).toBeGreaterThan(800);
  });

  test('a 429 empties the bucket until its reset', async () => {
    const c = clock();
    const g = new RateGovernor({ share: 0.9, concurrency: 1, now: c.now, sleep: c.sleep });
    g.observe('users', { limit: 600, remaining: 500, resetAt: c.now() + 5_000 }, 429);
    (await g.acquire('users'))();
    expect(c.slept[0]).toBeGreaterThanOrEqual(5_000);
    expect(g.waitedMs).toBeGreaterThanOrEqual(5_000);
  });

  test('a concurrency 429 (Limit 0) backs off until the estimated reset', async () => {
    const c = clock();
    const g = new RateGovernor({ share: 0.5, concurrency: 1, now: c.now, sleep: c.sleep });
    g.observe('user-get', { limit: 0, remaining: 0, resetAt: c.now() + 2_000 }, 429);
    (await g.acquire('user-get'))();
    expect(c.slept[0]).toBeGreaterThanOrEqual(2_000);
  });
});

describe('parseRateHeaders', () => {
  const h = (m: Record<string, string>) => (n: string) => m[n] ?? null;
  test('translates the server clock to ours with the Date header', () => {
    const r = parseRateHeaders(h({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '10', 'x-rate-limit-reset': '1000' }), 990_000, 995_000);
    expect(r).toEqual({ limit: 600, remaining: 10, resetAt: 1_005_000 });
  });
  test('a duplicated Reset header is ignored', () => {
    expect(
      parseRateHeaders(h({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '10', 'x-rate-limit-reset': '1000, 1001' }), undefined, 0),
    ).toBeUndefined();
  });
});
