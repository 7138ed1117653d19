/**
 * 100k users in memory: seeding, lookups by login, a full listing by cursor (500 pages) and a
 * search across all pages give the right answers at this size. How fast they are (lookups that do
 * not grow with the org, late pages as cheap as early ones) is measured by `npm run bench okta-sim`.
 */
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim';
import { call, nextLink, testProfile } from './http-client';

const N = 100_000;
let sim: OktaSimulator;

beforeAll(async () => {
  sim = await startOktaSimulator();
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
  expect(sim.store.userCount).toBe(N);
});
afterAll(async () => {
  await sim.close();
});

test('lookups by login and creates (and a duplicate login refused) with 100k users', async () => {
  for (let i = 0; i < 200; i++) {
    const res = await call(sim, 'GET', `/api/v1/users/USER${i * 499}%40example.com`);
    expect(res.status).toBe(200);
    expect(res.json.profile.login).toBe(`user${i * 499}@example.com`);
  }
  const created = await call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile('new') } });
  expect(created.status).toBe(200);
  const dup = await call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile(12345) } });
  expect(dup.status).toBe(400);
  expect(sim.store.userCount).toBe(N + 1);
});

test('full listing by cursor: 500 pages, every non-deprovisioned user exactly once', async () => {
  let url: string | undefined = '/api/v1/users?limit=200';
  let pages = 0;
  let count = 0;
  let lastId = '';
  while (url) {
    const res = await call(sim, 'GET', url);
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
});

test('search across all pages (sparse matches) finds every match exactly once', async () => {
  let url: string | undefined = `/api/v1/users?limit=20&search=${encodeURIComponent('profile.department eq "rare"')}`;
  const logins: string[] = [];
  while (url) {
    const res = await call(sim, 'GET', url);
    expect(res.json.length).toBeGreaterThan(0);
    for (const u of res.json) logins.push(u.profile.login);
    url = nextLink(res);
  }
  // users 7, 1007, 2007, …: the only ones in department Rare
  expect(logins.sort()).toEqual(Array.from({ length: N / 1000 }, (_, k) => `user${k * 1000 + 7}@example.com`).sort());
});
