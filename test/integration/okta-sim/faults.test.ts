/**
 * Fault injection over HTTP: latency (global, per endpoint), JSON 500, non-JSON 502, custom status,
 * forced 429s, timeouts (held requests, with and without applying the write), dropped connections
 * (with and without applying the write), "next N" targeting, glob patterns and seeded rates.
 */
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim';
import { call, testProfile } from './http-client';

let sim: OktaSimulator;
beforeEach(async () => {
  sim = await startOktaSimulator();
});
afterEach(async () => {
  await sim.close();
});

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const r = await f();
  return [r, Date.now() - t];
}

test('latency: per endpoint, and global from options', async () => {
  const rule = sim.faults.latency(150, 'GET /api/v1/users');
  const [users, slow] = await timed(() => call(sim, 'GET', '/api/v1/users'));
  // a lower bound only: a delay cannot come early, however loaded the machine
  expect(slow).toBeGreaterThanOrEqual(140);
  expect(rule.fired).toBe(1);
  // another endpoint is not delayed: the rule does not fire for it
  const groups = await call(sim, 'GET', '/api/v1/groups');
  expect(rule.fired).toBe(1);
  expect([users.status, groups.status]).toEqual([200, 200]);
  const s2 = await startOktaSimulator({ latencyMs: 120 });
  try {
    const [, t] = await timed(() => call(s2, 'GET', '/api/v1/groups'));
    expect(t).toBeGreaterThanOrEqual(110);
  } finally {
    await s2.close();
  }
});

test('next N matching requests get a JSON 500, then service resumes', async () => {
  const h = sim.faults.next(2, 'GET /api/v1/users', { type: 'error500' });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await call(sim, 'GET', '/api/v1/users')).status);
  expect(statuses).toEqual([500, 500, 200]);
  expect([h.fired, h.remaining]).toEqual([2, 0]);
  expect(sim.requests.log('GET /api/v1/users').map((r) => r.fault)).toEqual(['error500', 'error500', undefined]);
});

test('non-JSON 502 from a "proxy" and a custom status', async () => {
  sim.faults.next(1, undefined, { type: 'html502' });
  const r = await call(sim, 'GET', '/api/v1/groups');
  expect(r.status).toBe(502);
  expect(r.headers['content-type']).toBe('text/html');
  expect(r.text).toContain('502 Bad Gateway');
  expect(r.json).toBeUndefined();
  sim.faults.next(1, 'GET /api/v1/groups', { type: 'http', status: 503, body: 'down', contentType: 'text/plain' });
  const s = await call(sim, 'GET', '/api/v1/groups');
  expect([s.status, s.text]).toEqual([503, 'down']);
});

test('forced 429 keeps the bucket headers with Remaining 0 and does not consume the bucket', async () => {
  sim.faults.next(1, 'GET /api/v1/users', { type: 'rateLimit' });
  const r = await call(sim, 'GET', '/api/v1/users');
  expect([r.status, r.json.errorCode, r.headers['x-rate-limit-limit'], r.headers['x-rate-limit-remaining']]).toEqual([429, 'E0000047', '600', '0']);
  expect((await call(sim, 'GET', '/api/v1/users')).headers['x-rate-limit-remaining']).toBe('599');
  sim.faults.next(1, 'GET /api/v1/users', { type: 'concurrencyLimit' });
  const c = await call(sim, 'GET', '/api/v1/users');
  expect([c.status, c.headers['x-rate-limit-limit'], c.headers['x-rate-limit-remaining']]).toEqual([429, '0', '0']);
});

test('timeout holds the request without answering; the write is not applied unless asked', async () => {
  sim.faults.next(1, 'POST /api/v1/users', { type: 'timeout' });
  await expect(call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile(1) }, timeoutMs: 200 })).rejects.toThrow('client timeout');
  expect(sim.store.user('user1@example.com')).toBeUndefined();
  expect(sim.requests.log('POST /api/v1/users')[0]).toMatchObject({ outcome: 'held', status: null, fault: 'timeout' });

  sim.faults.next(1, 'POST /api/v1/users', { type: 'timeout', apply: true });
  await expect(call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile(2) }, timeoutMs: 200 })).rejects.toThrow('client timeout');
  expect(sim.store.user('user2@example.com')?.profile).toMatchObject(testProfile(2));
  expect(sim.requests.log('POST /api/v1/users')[1]).toMatchObject({ outcome: 'held', status: null, fault: 'timeout' });
});

test('held requests are released on close', async () => {
  sim.faults.next(1, 'GET /api/v1/users', { type: 'timeout' });
  const pending = call(sim, 'GET', '/api/v1/users', { timeoutMs: 30_000 });
  await new Promise((r) => setTimeout(r, 50));
  expect(sim.heldRequests).toBe(1);
  await sim.close();
  await expect(pending).rejects.toThrow();
});

test('drop: without apply nothing happens; with apply the write happens and the response is lost', async () => {
  sim.faults.next(1, 'POST /api/v1/users', { type: 'drop' });
  await expect(call(sim, 'POST', '/api/v1/users', { body: { profile: testProfile(1) } })).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(sim.store.user('user1@example.com')).toBeUndefined();

  const u = sim.store.seedUser({ profile: testProfile(2) });
  sim.faults.next(1, 'POST /api/v1/users/{id}', { type: 'drop', apply: true });
  await expect(call(sim, 'POST', `/api/v1/users/${u.id}`, { body: { profile: { title: 'new' } } })).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(sim.store.user(u.id)!.profile.title).toBe('new');
  expect(sim.requests.writes('POST /api/v1/users/{id}')[0]).toMatchObject({ outcome: 'dropped', status: null, fault: 'drop' });
});

test('glob and RegExp endpoint patterns', async () => {
  const u = sim.store.seedUser({ profile: testProfile(1) });
  sim.faults.add({ endpoint: 'POST /api/v1/users/{id}/lifecycle/*', action: { type: 'error500' } });
  expect((await call(sim, 'POST', `/api/v1/users/${u.id}/lifecycle/suspend`)).status).toBe(500);
  expect((await call(sim, 'POST', `/api/v1/users/${u.id}`, { body: { profile: {} } })).status).toBe(200);
  sim.faults.clear();
  sim.faults.add({ endpoint: /^(PUT|DELETE) \/api\/v1\/groups\/\{id\}\/users\/\{id\}$/, times: 1, action: { type: 'html502' } });
  expect((await call(sim, 'DELETE', `/api/v1/groups/00gx/users/${u.id}`)).status).toBe(502);
  expect((await call(sim, 'DELETE', `/api/v1/groups/00gx/users/${u.id}`)).status).toBe(404);
  sim.faults.add({ endpoint: '/api/v1/groups', times: 1, action: { type: 'error500' } });
  expect((await call(sim, 'POST', '/api/v1/groups', { body: { profile: { name: 'x' } } })).status).toBe(500);
});

test('rate-based faults are reproducible with the same seed', async () => {
  async function run(seed: number): Promise<number[]> {
    const s = await startOktaSimulator({ seed });
    try {
      s.faults.add({ endpoint: 'GET /api/v1/users', rate: 0.3, action: { type: 'error500' } });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await call(s, 'GET', '/api/v1/users')).status);
      return out;
    } finally {
      await s.close();
    }
  }
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  expect(a).toEqual(b);
  expect(a).not.toEqual(c);
  const failures = a.filter((s) => s === 500).length;
  expect(failures).toBeGreaterThan(3);
  expect(failures).toBeLessThan(25);
});

test('rate combined with times caps the number of failures', async () => {
  sim.faults.seed(3);
  const h = sim.faults.add({ endpoint: 'GET /api/v1/groups', rate: 0.5, times: 2, action: { type: 'error500' } });
  for (let i = 0; i < 30; i++) await call(sim, 'GET', '/api/v1/groups');
  expect(h.fired).toBe(2);
  expect(sim.requests.count({ endpoint: 'GET /api/v1/groups', status: 500 })).toBe(2);
});
