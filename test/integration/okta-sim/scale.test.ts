/**
 * 100k users in memory: seeding, O(1) lookups by id and login, a full listing by cursor (500
 * pages) and a search across all pages, in bounded time.
 */
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim';
import { call, nextLink, testProfile } from './http-client';

const N = 100_000;
let sim: OktaSimulator;

beforeAll(async () => {
  sim = await startOktaSimulator();
  const t = Date.now();
  sim.store.seedUsers(
    (function* () {
      for (let i = 0; i < N; i++) {
        yield {
          status: i % 50 === 0 ? ('DEPROVISIONED' as const) : ('ACTIVE' as const),
          profile: testProfile(i, { department: i % 1000 === 7 ? 'Rare' : 'Common' }),
        };
      }
    })(),
  );
  expect(Date.now() - t).toBeLessThan(10_000);
});
afterAll(async () => {
  await sim.close();
});

test('lookups and creates stay fast with 100k users', async () => {
  const t = Date.now();
  for (let i = 0; i < 200; i++) {
    const res = await call(sim, 'GET', `/api/v1/users/USER${i * 499}%40example.com`);
    expect(res.status).toBe(200);
  }
  const created = await call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile('new') } });
  expect(created.status).toBe(200);
  const dup = await call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile(12345) } });
  expect(dup.status).toBe(400);
  expect(Date.now() - t).toBeLessThan(5_000);
});

test('full listing by cursor: 500 pages, every non-deprovisioned user exactly once', async () => {
  const t = Date.now();
  let url: string | undefined = '/api/v1/users?limit=200';
  let pages = 0;
  let count = 0;
  let lastId = '';
  const pageTimes: number[] = [];
  while (url) {
    const p0 = Date.now();
    const res = await call(sim, 'GET', url);
    pageTimes.push(Date.now() - p0);
    expect(res.status).toBe(200);
    for (const u of res.json) {
      if (!(u.id > lastId)) throw new Error(`out of order: ${u.id} after ${lastId}`);
      lastId = u.id;
    }
    count += res.json.length;
    pages++;
    url = nextLink(res);
  }
  expect(count).toBe(N - N / 50 + 1);
  expect(pages).toBe(Math.ceil(count / 200));
  const early = pageTimes.slice(1, 51).reduce((a, b) => a + b, 0);
  const late = pageTimes.slice(-51, -1).reduce((a, b) => a + b, 0);
  // Late pages cost about the same as early ones (cursor seek, no rescans from the start).
  expect(late).toBeLessThan(early * 4 + 200);
  expect(Date.now() - t).toBeLessThan(60_000);
});

test('search across all pages (sparse matches) compiles once per request and scans linearly', async () => {
  const t = Date.now();
  let url: string | undefined = `/api/v1/users?limit=20&search=${encodeURIComponent('profile.department eq "rare"')}`;
  let count = 0;
  while (url) {
    const res = await call(sim, 'GET', url);
    expect(res.json.length).toBeGreaterThan(0);
    count += res.json.length;
    url = nextLink(res);
  }
  expect(count).toBe(N / 1000);
  expect(Date.now() - t).toBeLessThan(10_000);
});
