/**
 * HTTP-level behaviour: headers on every response, SSWS check, absolute Link pagination (separate
 * self/next headers, next keeps search/filter, never an empty page with a next link), plain list vs
 * search visibility of DEPROVISIONED users, rate-limit bucket accounting and 429s, the concurrency
 * limit, routing errors, malformed bodies, ETag, self links, search index lag, request counters.
 */
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim';
import { call, headerLines, nextLink, testProfile } from './http-client';

let sim: OktaSimulator;
afterEach(async () => {
  await sim?.close();
});

function expectStandardHeaders(res: Awaited<ReturnType<typeof call>>) {
  for (const h of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset', 'x-okta-request-id', 'date', 'content-type']) {
    expect({ h, n: headerLines(res, h).length }).toEqual({ h, n: 1 });
  }
  expect(res.headers['x-rate-limit-reset']).toMatch(/^\d{10}$/);
  expect(res.headers['x-rate-limit-limit']).toMatch(/^\d+$/);
  expect(Number.isNaN(Date.parse(String(res.headers.date)))).toBe(false);
}

describe('headers and auth', () => {
  beforeEach(async () => {
    sim = await startOktaSimulator();
  });

  test('every response carries rate-limit headers exactly once, request id, Date, Content-Type', async () => {
    const u = sim.store.seedUser({ profile: testProfile(1) });
    const responses = [
      await call(sim, 'GET', '/api/v1/users'),
      await call(sim, 'GET', `/api/v1/users/${u.id}`),
      await call(sim, 'GET', '/api/v1/users/nope'),
      await call(sim, 'DELETE', '/api/v1/groups/00gx/users/00ux'),
      await call(sim, 'GET', '/api/v1/users', { token: 'bad' }),
      await call(sim, 'GET', '/api/v1/nothing'),
      await call(sim, 'PATCH', '/api/v1/users'),
      await call(sim, 'POST', `/api/v1/users/${u.id}/lifecycle/suspend`),
    ];
    for (const r of responses) expectStandardHeaders(r);
    const ids = new Set(responses.map((r) => r.headers['x-okta-request-id']));
    expect(ids.size).toBe(responses.length);
  });

  test('401 E0000011 for a missing, malformed or wrong token', async () => {
    const variants: Record<string, string>[] = [{}, { Authorization: 'Bearer x' }, { Authorization: `SSWS ${sim.token}x` }];
    for (const headers of variants) {
      const res = await call(sim, 'GET', '/api/v1/users', { token: null, headers });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorLink: 'E0000011', errorCauses: [] });
      expect(res.json.errorId).toMatch(/^oae[\w-]{22}$/);
    }
  });

  test('/.well-known/okta-organization: the org id and URL, without a token; two simulators are two orgs', async () => {
    const res = await call(sim, 'GET', '/.well-known/okta-organization', { token: null });
    expect(res.status).toBe(200);
    expectStandardHeaders(res);
    expect(res.json).toEqual({ id: sim.orgId, pipeline: 'idx', _links: { organization: { href: sim.url } } });
    expect(sim.orgId).toMatch(/^00o[0-9A-Za-z]{17}$/);
    const other = await startOktaSimulator();
    try {
      expect(other.orgId).not.toBe(sim.orgId);
    } finally {
      await other.close();
    }
    const fixed = await startOktaSimulator({ orgId: '00oFIXED000000000001' });
    try {
      expect((await call(fixed, 'GET', '/.well-known/okta-organization')).json.id).toBe('00oFIXED000000000001');
    } finally {
      await fixed.close();
    }
  });

  test('404 E0000008 for unknown paths, 405 E0000022 for a wrong method, 400 E0000003 for malformed JSON', async () => {
    expect((await call(sim, 'GET', '/api/v1/apps')).json.errorCode).toBe('E0000008');
    const r405 = await call(sim, 'PATCH', '/api/v1/users');
    expect([r405.status, r405.json.errorCode]).toEqual([405, 'E0000022']);
    const r400 = await call(sim, 'POST', '/api/v1/users', { rawBody: '{"profile":' });
    expect([r400.status, r400.json.errorCode]).toEqual([400, 'E0000003']);
    expect(sim.counts()).toMatchObject({ 'GET /api/v1/apps': 1, 'PATCH /api/v1/users': 1, 'POST /api/v1/users': 1 });
  });

  test('an orgUrl with a trailing slash (//api/v1/...) gets 404 E0000008 and is recorded as such', async () => {
    const res = await call(sim, 'GET', `${sim.url}//api/v1/users`);
    expect([res.status, res.json.errorCode]).toEqual([404, 'E0000008']);
    expect(sim.requests.log().at(-1)).toMatchObject({ path: '//api/v1/users', endpoint: 'GET //api/v1/users', status: 404 });
  });

  test('GET user: ETag, absolute self link equal to the canonical URL, lifecycle links by status', async () => {
    const u = sim.store.seedUser({ status: 'SUSPENDED', profile: testProfile(1) });
    const res = await call(sim, 'GET', '/api/v1/users/user1%40example.com');
    expect(res.headers.etag).toMatch(/^W\/".+"$/);
    expect(res.json._links.self.href).toBe(`${sim.url}/api/v1/users/${u.id}`);
    expect(Object.keys(res.json._links).sort()).toEqual(['deactivate', 'self', 'unsuspend']);
    expect(res.json._links.unsuspend).toEqual({ href: `${sim.url}/api/v1/users/${u.id}/lifecycle/unsuspend`, method: 'POST' });
    const etag1 = res.headers.etag;
    await call(sim, 'POST', `/api/v1/users/${u.id}`, { body: { profile: { title: 'x' } } });
    expect((await call(sim, 'GET', `/api/v1/users/${u.id}`)).headers.etag).not.toBe(etag1);
  });

  test('login short name resolves only when unambiguous', async () => {
    const a = sim.store.seedUser({ profile: testProfile('a', { login: 'jdoe@example.com' }) });
    expect((await call(sim, 'GET', '/api/v1/users/jdoe')).json.id).toBe(a.id);
    sim.store.seedUser({ profile: testProfile('b', { login: 'jdoe@other.example' }) });
    expect((await call(sim, 'GET', '/api/v1/users/jdoe')).status).toBe(404);
  });
});

describe('pagination', () => {
  beforeEach(async () => {
    sim = await startOktaSimulator();
  });

  test('absolute self and next Link headers as separate lines; next keeps parameters; last page has no next', async () => {
    for (let i = 0; i < 5; i++) sim.store.seedUser({ profile: testProfile(i) });
    const search = 'profile.lastName sw "last"';
    const first = await call(sim, 'GET', `/api/v1/users?limit=2&search=${encodeURIComponent(search)}`);
    const links = headerLines(first, 'link');
    expect(links).toHaveLength(2);
    expect(links[0]).toBe(`<${sim.url}/api/v1/users?limit=2&search=${encodeURIComponent(search)}>; rel="self"`);
    const next = nextLink(first)!;
    expect(next.startsWith(`${sim.url}/api/v1/users?after=`)).toBe(true);
    const nextUrl = new URL(next);
    expect(nextUrl.searchParams.get('search')).toBe(search);
    expect(nextUrl.searchParams.get('limit')).toBe('2');
    expect(nextUrl.searchParams.get('after')).toBe(first.json[1].id);
    const second = await call(sim, 'GET', next);
    const third = await call(sim, 'GET', nextLink(second)!);
    expect(third.json).toHaveLength(1);
    expect(nextLink(third)).toBeUndefined();
    expect(headerLines(third, 'link')).toHaveLength(1);
    const all = [...first.json, ...second.json, ...third.json].map((u: any) => u.id);
    expect(new Set(all).size).toBe(5);
  });

  test('never an empty page with a next link, even when matches end exactly at a page boundary or are sparse', async () => {
    for (let i = 0; i < 30; i++) sim.store.seedUser({ profile: testProfile(i, { department: i === 3 || i === 29 ? 'Rare' : 'Common' }) });
    for (const [query, expected] of [
      ['limit=2&search=' + encodeURIComponent('profile.department eq "rare"'), 2],
      ['limit=15', 30],
      ['limit=7&filter=' + encodeURIComponent('status eq "ACTIVE"'), 30],
    ] as const) {
      let url: string | undefined = `/api/v1/users?${query}`;
      let total = 0;
      while (url) {
        const res = await call(sim, 'GET', url);
        expect(res.status).toBe(200);
        url = nextLink(res);
        if (url) expect(res.json.length).toBeGreaterThan(0);
        total += res.json.length;
      }
      expect(total).toBe(expected);
    }
  });

  test('users created or deleted between pages do not break the cursor', async () => {
    const seeded = Array.from({ length: 6 }, (_, i) => sim.store.seedUser({ profile: testProfile(i) }));
    const first = await call(sim, 'GET', '/api/v1/users?limit=3');
    sim.store.deleteUser(seeded[2].id); // the cursor's own user
    sim.store.seedUser({ profile: testProfile('late') });
    const second = await call(sim, 'GET', nextLink(first)!);
    expect(second.json.map((u: any) => u.profile.login)).toEqual(
      ['user3@example.com', 'user4@example.com', 'user5@example.com', 'userlate@example.com'].slice(0, 3),
    );
  });

  test('plain list and q omit DEPROVISIONED users; search and filter include them; q is not paginated', async () => {
    sim.store.seedUser({ profile: testProfile('a', { firstName: 'Alice' }) });
    sim.store.seedUser({ status: 'DEPROVISIONED', profile: testProfile('b', { firstName: 'Alina' }) });
    for (let i = 0; i < 12; i++) sim.store.seedUser({ profile: testProfile(`q${i}`, { firstName: 'Quentin' }) });
    const logins = (res: any) => res.json.map((u: any) => u.profile.login);
    expect(logins(await call(sim, 'GET', '/api/v1/users'))).not.toContain('userb@example.com');
    expect(logins(await call(sim, 'GET', '/api/v1/users?q=ali'))).toEqual(['usera@example.com']);
    expect(logins(await call(sim, 'GET', `/api/v1/users?search=${encodeURIComponent('profile.firstName sw "ali"')}`))).toEqual([
      'usera@example.com',
      'userb@example.com',
    ]);
    expect(logins(await call(sim, 'GET', `/api/v1/users?filter=${encodeURIComponent('status eq "DEPROVISIONED"')}`))).toEqual(['userb@example.com']);
    const q = await call(sim, 'GET', '/api/v1/users?q=quent');
    expect(q.json).toHaveLength(10);
    expect(nextLink(q)).toBeUndefined();
  });

  test('search is case-insensitive, filter case-sensitive; sortBy orders search results with an opaque cursor', async () => {
    sim.store.seedUser({ profile: testProfile(1, { lastName: 'Zed' }) });
    sim.store.seedUser({ profile: testProfile(2, { lastName: 'adams' }) });
    sim.store.seedUser({ profile: testProfile(3, { lastName: 'Miller' }) });
    const n = async (p: string, expr: string) => (await call(sim, 'GET', `/api/v1/users?${p}=${encodeURIComponent(expr)}`)).json.length;
    expect(await n('search', 'profile.lastName eq "ZED"')).toBe(1);
    expect(await n('filter', 'profile.lastName eq "ZED"')).toBe(0);
    expect(await n('filter', 'profile.lastName eq "Zed"')).toBe(1);
    const s = encodeURIComponent('status eq "ACTIVE"');
    const p1 = await call(sim, 'GET', `/api/v1/users?search=${s}&sortBy=profile.lastName&sortOrder=desc&limit=2`);
    expect(p1.json.map((u: any) => u.profile.lastName)).toEqual(['Zed', 'Miller']);
    const p2 = await call(sim, 'GET', nextLink(p1)!);
    expect(p2.json.map((u: any) => u.profile.lastName)).toEqual(['adams']);
    expect(nextLink(p2)).toBeUndefined();
    const both = await call(sim, 'GET', `/api/v1/users?search=${s}&filter=${s}`);
    expect([both.status, both.json.errorCode]).toEqual([400, 'E0000033']);
  });

  test('limit above the maximum is clamped to 200', async () => {
    sim.store.seedUsers(Array.from({ length: 205 }, (_, i) => ({ profile: testProfile(i) })));
    const res = await call(sim, 'GET', '/api/v1/users?limit=1000');
    expect(res.json).toHaveLength(200);
    expect(new URL(nextLink(res)!).searchParams.get('limit')).toBe('1000');
  });

  test('search index lag: search and filter see changes only after the lag, the plain list and get immediately', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    await sim.close();
    sim = await startOktaSimulator({ clock: () => now, searchIndexLagMs: 1000 });
    const created = await call(sim, 'POST', '/api/v1/users?activate=false', { body: { profile: testProfile(1, { title: 'A' }) } });
    const search = (expr: string) => call(sim, 'GET', `/api/v1/users?search=${encodeURIComponent(expr)}`);
    const filter = (expr: string) => call(sim, 'GET', `/api/v1/users?filter=${encodeURIComponent(expr)}`);
    expect((await search('profile.title eq "A"')).json).toHaveLength(0);
    expect((await filter('lastUpdated gt "2025-12-31T23:59:59.000Z"')).json).toHaveLength(0);
    expect((await call(sim, 'GET', '/api/v1/users')).json).toHaveLength(1);
    // the Date header is the simulator's clock, like the timestamps it serves
    expect(Date.parse(created.headers.date as string)).toBe(now);
    now += 1000;
    expect((await filter('lastUpdated gt "2025-12-31T23:59:59.000Z"')).json).toHaveLength(1);
    expect((await search('profile.title eq "A"')).json).toHaveLength(1);
    await call(sim, 'POST', `/api/v1/users/${created.json.id}`, { body: { profile: { title: 'B' } } });
    now += 500;
    expect((await search('profile.title eq "B"')).json).toHaveLength(0);
    expect((await search('profile.title eq "A"')).json).toHaveLength(1);
    expect((await call(sim, 'GET', `/api/v1/users/${created.json.id}`)).json.profile.title).toBe('B');
    now += 500;
    expect((await search('profile.title eq "B"')).json).toHaveLength(1);
    expect((await search('profile.title eq "A"')).json).toHaveLength(0);
  });
});

describe('rate limits', () => {
  test('per-bucket accounting: each bucket counts its own endpoints; Remaining decreases; 429 E0000047 when exhausted', async () => {
    sim = await startOktaSimulator({ rateLimits: { users: 3, userById: 5 } });
    const u = sim.store.seedUser({ profile: testProfile(1) });
    const lists = [];
    for (let i = 0; i < 4; i++) lists.push(await call(sim, 'GET', '/api/v1/users'));
    expect(lists.map((r) => [r.status, r.headers['x-rate-limit-limit'], r.headers['x-rate-limit-remaining']])).toEqual([
      [200, '3', '2'],
      [200, '3', '1'],
      [200, '3', '0'],
      [429, '3', '0'],
    ]);
    expect(lists[3].json.errorCode).toBe('E0000047');
    const get = await call(sim, 'GET', `/api/v1/users/${u.id}`);
    expect([get.status, get.headers['x-rate-limit-limit'], get.headers['x-rate-limit-remaining']]).toEqual([200, '5', '4']);
    const create = await call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile(2) } });
    expect(create.status).toBe(429);
    const upd = await call(sim, 'POST', `/api/v1/users/${u.id}`, { body: { profile: { title: 'x' } } });
    expect([upd.status, upd.headers['x-rate-limit-limit']]).toEqual([200, '600']);
    const life = await call(sim, 'POST', `/api/v1/users/${u.id}/lifecycle/suspend`);
    expect([life.status, life.headers['x-rate-limit-limit']]).toEqual([200, '1200']);
    expect((await call(sim, 'GET', '/api/v1/groups')).headers['x-rate-limit-limit']).toBe('500');
    expect((await call(sim, 'GET', '/api/v1/groups/00gX')).headers['x-rate-limit-limit']).toBe('1000');
  });

  test('Workforce defaults per bucket', async () => {
    sim = await startOktaSimulator();
    expect(sim.rateLimits.state('users')).toMatchObject({ limit: 600 });
    expect(sim.rateLimits.state('userById')).toMatchObject({ limit: 2000 });
    expect(sim.rateLimits.state('userWrite')).toMatchObject({ limit: 600 });
    expect(sim.rateLimits.state('groups')).toMatchObject({ limit: 500 });
    expect(sim.rateLimits.state('groupById')).toMatchObject({ limit: 1000 });
    expect(sim.rateLimits.state('other')).toMatchObject({ limit: 1200 });
  });

  test('window: Reset is the window end in epoch seconds; a new window restores the quota', async () => {
    let now = Date.parse('2026-01-01T00:00:00.250Z');
    sim = await startOktaSimulator({ clock: () => now, windowMs: 2000, rateLimits: { users: 1 } });
    const a = await call(sim, 'GET', '/api/v1/users');
    expect(a.headers['x-rate-limit-reset']).toBe(String(Math.ceil((now + 2000) / 1000)));
    now += 1999;
    expect((await call(sim, 'GET', '/api/v1/users')).status).toBe(429);
    now += 1;
    const c = await call(sim, 'GET', '/api/v1/users');
    expect([c.status, c.headers['x-rate-limit-remaining']]).toEqual([200, '0']);
  });

  test('401 does not consume the bucket; limits can be changed at run time', async () => {
    sim = await startOktaSimulator({ rateLimits: { users: 1 } });
    await call(sim, 'GET', '/api/v1/users', { token: 'bad' });
    expect((await call(sim, 'GET', '/api/v1/users')).status).toBe(200);
    sim.rateLimits.set('users', 3);
    const r = await call(sim, 'GET', '/api/v1/users');
    expect([r.status, r.headers['x-rate-limit-remaining']]).toEqual([200, '1']);
    sim.rateLimits.reset();
    expect((await call(sim, 'GET', '/api/v1/users')).headers['x-rate-limit-remaining']).toBe('2');
  });

  test('concurrency limit: excess requests get 429 with Limit 0 and Remaining 0', async () => {
    sim = await startOktaSimulator({ concurrencyLimit: 2 });
    sim.faults.latency(300, 'GET /api/v1/users');
    const results = await Promise.all([0, 1, 2, 3].map(() => call(sim, 'GET', '/api/v1/users')));
    const rejected = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(rejected).toHaveLength(2);
    for (const r of rejected) {
      expect([r.headers['x-rate-limit-limit'], r.headers['x-rate-limit-remaining'], r.json.errorCode]).toEqual(['0', '0', 'E0000047']);
    }
    expect((await call(sim, 'GET', '/api/v1/users')).status).toBe(200);
  });
});

describe('request counts and write log', () => {
  test('counts by endpoint template and a log of write bodies', async () => {
    sim = await startOktaSimulator();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile(i) } })).json.id);
    for (const id of ids) await call(sim, 'POST', `/api/v1/users/${id}`, { body: { profile: { title: `T-${id}` } } });
    await call(sim, 'POST', `/api/v1/users/${ids[0]}/lifecycle/suspend`);
    const g = (await call(sim, 'POST', '/api/v1/groups', { body: { profile: { name: 'G' } } })).json;
    await call(sim, 'PUT', `/api/v1/groups/${g.id}/users/${ids[1]}`);
    await call(sim, 'GET', `/api/v1/users/${ids[0]}`);
    expect(sim.counts()).toEqual({
      'POST /api/v1/users': 3,
      'POST /api/v1/users/{id}': 3,
      'POST /api/v1/users/{id}/lifecycle/suspend': 1,
      'POST /api/v1/groups': 1,
      'PUT /api/v1/groups/{id}/users/{id}': 1,
      'GET /api/v1/users/{id}': 1,
    });
    const updates = sim.requests.writes('POST /api/v1/users/{id}');
    expect(updates.map((w) => w.body)).toEqual(ids.map((id) => ({ profile: { title: `T-${id}` } })));
    expect(updates.every((w) => w.status === 200 && w.outcome === 'responded')).toBe(true);
    expect(sim.requests.writes()).toHaveLength(9);
    expect(sim.requests.count({ method: 'GET' })).toBe(1);
    sim.requests.reset();
    expect(sim.counts()).toEqual({});
    sim.reset();
    expect(sim.store.userCount).toBe(0);
  });
});
