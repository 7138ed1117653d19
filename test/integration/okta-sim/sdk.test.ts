/**
 * The simulator through the real `@okta/okta-sdk-nodejs` 8.1 client: creation, reads, pagination
 * with `for await`, search, partial updates on the wire, lifecycle errors as OktaApiError, 429 +
 * SDK retry after X-Rate-Limit-Reset, login uniqueness (case, diacritics), groups and membership,
 * and transport-level failures (non-JSON 502 → HttpError, timeouts, dropped connections).
 */
import { Client, DefaultRequestExecutor, OktaApiError } from '@okta/okta-sdk-nodejs';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim';
import { testProfile } from './http-client';

for (const k of Object.keys(process.env)) if (k.startsWith('OKTA_CLIENT_')) delete process.env[k];

function sdkClient(sim: OktaSimulator, opts: { maxRetries?: number; requestTimeout?: number } = {}): Client {
  return new Client({
    orgUrl: sim.url,
    token: sim.token,
    cacheMiddleware: null,
    requestExecutor: new DefaultRequestExecutor({ maxRetries: opts.maxRetries ?? 2, requestTimeout: opts.requestTimeout ?? 10000 }),
  });
}

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('simulator via the Okta SDK', () => {
  let sim: OktaSimulator;
  let client: Client;

  beforeEach(async () => {
    sim = await startOktaSimulator();
    client = sdkClient(sim);
  });
  afterEach(async () => {
    await sim.close();
  });

  test('create and get by id and by login', async () => {
    const created = await client.userApi.createUser({ body: { profile: testProfile(1) }, activate: false });
    expect(created.status).toBe('STAGED');
    expect(created.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
    expect(created.created).toBeInstanceOf(Date);
    const byId = await client.userApi.getUser({ userId: created.id! });
    expect(byId.profile?.login).toBe('user1@example.com');
    const byLogin = await client.userApi.getUser({ userId: 'USER1@example.com' });
    expect(byLogin.id).toBe(created.id);
    const missing = await rejection(client.userApi.getUser({ userId: 'nobody@example.com' }));
    expect(missing).toBeInstanceOf(OktaApiError);
    expect(missing.status).toBe(404);
    expect(missing.errorCode).toBe('E0000007');
    expect(missing.errorSummary).toBe('Not found: Resource not found: nobody@example.com (User)');
  });

  test('create statuses follow activate/provider', async () => {
    const prov = await client.userApi.createUser({ body: { profile: testProfile('p') }, activate: true });
    expect(prov.status).toBe('PROVISIONED');
    const fed = await client.userApi.createUser({
      body: { profile: testProfile('f'), credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } } },
      activate: true,
      provider: true,
    });
    expect(fed.status).toBe('ACTIVE');
    expect(fed.credentials?.provider?.type).toBe('FEDERATION');
  });

  test('listUsers paginates across pages with for await, one GET per page, no DEPROVISIONED', async () => {
    for (let i = 0; i < 11; i++) sim.store.seedUser({ profile: testProfile(String(i).padStart(2, '0')) });
    sim.store.seedUser({ status: 'DEPROVISIONED', profile: testProfile('gone') });
    const logins: string[] = [];
    for await (const u of await client.userApi.listUsers({ limit: 4 })) logins.push(u!.profile!.login!);
    expect(logins).toHaveLength(11);
    expect(new Set(logins).size).toBe(11);
    expect(logins).not.toContain('usergone@example.com');
    expect(sim.requests.count('GET /api/v1/users')).toBe(3);
  });

  test('search across pages keeps the search parameter; filter; DEPROVISIONED included in search', async () => {
    for (let i = 0; i < 9; i++) sim.store.seedUser({ profile: testProfile(i, { department: i % 3 === 0 ? 'Engineering' : 'Sales' }) });
    sim.store.seedUser({ status: 'DEPROVISIONED', profile: testProfile('x', { department: 'engineering' }) });
    const found: string[] = [];
    const col = await client.userApi.listUsers({ search: 'profile.department eq "ENGINEERING"', limit: 2 });
    for await (const u of col) found.push(u!.profile!.login!);
    expect(found.sort()).toEqual(['user0@example.com', 'user3@example.com', 'user6@example.com', 'userx@example.com']);
    for (const r of sim.requests.log('GET /api/v1/users')) expect(r.query.search).toBe('profile.department eq "ENGINEERING"');
    const filtered: string[] = [];
    for await (const u of await client.userApi.listUsers({ filter: 'profile.login eq "user3@example.com"' })) filtered.push(u!.id!);
    expect(filtered).toHaveLength(1);
  });

  test('partial update sends only the given attributes and keeps the others', async () => {
    const u = sim.store.seedUser({ profile: testProfile(1, { title: 'Dev', city: 'Paris' }) });
    const updated = await client.userApi.updateUser({ userId: u.id, user: { profile: { title: 'Lead', city: null } } });
    expect(updated.profile?.title).toBe('Lead');
    expect(updated.profile?.city).toBeUndefined();
    expect(updated.profile?.firstName).toBe('First1');
    const writes = sim.requests.writes('POST /api/v1/users/{id}');
    expect(writes).toHaveLength(1);
    expect(writes[0].body).toEqual({ profile: { title: 'Lead', city: null } });
    expect(sim.store.user(u.id)!.profile.city).toBeUndefined();
  });

  test('lifecycle errors surface as OktaApiError with the documented codes', async () => {
    const staged = await client.userApi.createUser({ body: { profile: testProfile('s') }, activate: false });
    const suspend = await rejection(client.userApi.suspendUser({ userId: staged.id! }));
    expect(suspend).toMatchObject({ name: 'OktaApiError', status: 400, errorCode: 'E0000001' });
    const active = sim.store.seedUser({ profile: testProfile('a') });
    const reactivate = await rejection(client.userApi.reactivateUser({ userId: active.id }));
    expect(reactivate).toMatchObject({ status: 403, errorCode: 'E0000038' });
    const activate = await rejection(client.userApi.activateUser({ userId: active.id }));
    expect(activate).toMatchObject({ status: 403, errorCode: 'E0000016' });
    await client.userApi.suspendUser({ userId: active.id });
    expect(sim.store.user(active.id)!.status).toBe('SUSPENDED');
    await client.userApi.unsuspendUser({ userId: active.id });
    await client.userApi.deactivateUser({ userId: active.id });
    expect(sim.store.user(active.id)!.status).toBe('DEPROVISIONED');
    const token = await client.userApi.activateUser({ userId: active.id, sendEmail: false });
    expect(token.activationToken).toEqual(expect.any(String));
    await client.userApi.deleteUser({ userId: staged.id! });
    expect(sim.store.user(staged.id!)!.status).toBe('DEPROVISIONED');
    await client.userApi.deleteUser({ userId: staged.id! });
    expect(sim.store.user(staged.id!)).toBeUndefined();
  });

  test('login uniqueness ignores case and diacritics, DEPROVISIONED users keep their login', async () => {
    await client.userApi.createUser({ body: { profile: { ...testProfile('ib'), login: 'Isaac.Brock@example.com' } } });
    for (const login of ['isaac.brock@example.com', 'isáàc.bröck@example.com']) {
      const err = await rejection(client.userApi.createUser({ body: { profile: { ...testProfile('ib2'), login } } }));
      expect(err).toBeInstanceOf(OktaApiError);
      expect(err).toMatchObject({ status: 400, errorCode: 'E0000001', errorSummary: 'Api validation failed: login' });
      expect(err.errorCauses).toEqual([{ errorSummary: 'login: An object with this field already exists in the current organization' }]);
    }
    sim.store.seedUser({ status: 'DEPROVISIONED', profile: testProfile('old') });
    const err = await rejection(client.userApi.createUser({ body: { profile: testProfile('OLD') } }));
    expect(err.errorCode).toBe('E0000001');
  });

  test('429: the SDK waits until X-Rate-Limit-Reset and retries', async () => {
    await sim.close();
    sim = await startOktaSimulator({ rateLimits: { userById: 2 }, windowMs: 1000 });
    client = sdkClient(sim);
    const u = sim.store.seedUser({ profile: testProfile(1) });
    const started = Date.now();
    for (let i = 0; i < 3; i++) await client.userApi.getUser({ userId: u.id });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const log = sim.requests.log('GET /api/v1/users/{id}');
    expect(log.map((r) => r.status)).toEqual([200, 200, 429, 200]);
    expect(log[3].retryCount).toBe(1);
    expect(log[3].retryFor).toBe(log[2].requestId);
  });

  test('429 exhausted: OktaApiError E0000047 with the reset header', async () => {
    client = sdkClient(sim, { maxRetries: 1 });
    sim.faults.next(2, 'GET /api/v1/users/{id}', { type: 'rateLimit' });
    sim.rateLimits.setWindowMs(1000);
    const u = sim.store.seedUser({ profile: testProfile(1) });
    const err = await rejection(client.userApi.getUser({ userId: u.id }));
    expect(err).toMatchObject({ status: 429, errorCode: 'E0000047' });
    expect(Number(err.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
  });

  test('groups: create, search, membership, member pagination, user groups', async () => {
    const eng = await client.groupApi.createGroup({ group: { profile: { name: 'Engineering', description: 'Eng' } } });
    expect(eng.type).toBe('OKTA_GROUP');
    const dup = await rejection(client.groupApi.createGroup({ group: { profile: { name: 'engineering' } } }));
    expect(dup).toMatchObject({ status: 400, errorCode: 'E0000001' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = sim.store.seedUser({ profile: testProfile(i) });
      ids.push(u.id);
      await client.groupApi.assignUserToGroup({ groupId: eng.id!, userId: u.id });
    }
    await client.groupApi.assignUserToGroup({ groupId: eng.id!, userId: ids[0] });
    const members: string[] = [];
    for await (const m of await client.groupApi.listGroupUsers({ groupId: eng.id!, limit: 2 })) members.push(m!.id!);
    expect(members).toEqual(ids);
    const found: string[] = [];
    for await (const g of await client.groupApi.listGroups({ search: 'profile.name sw "eng"' })) found.push(g!.id!);
    expect(found).toEqual([eng.id]);
    const userGroups: string[] = [];
    for await (const g of await client.userApi.listUserGroups({ userId: ids[1] })) userGroups.push(g!.profile!.name!);
    expect(userGroups).toEqual(['Engineering']);
    await client.groupApi.unassignUserFromGroup({ groupId: eng.id!, userId: ids[1] });
    expect(sim.store.members(eng.id!)).not.toContain(ids[1]);
    const missing = await rejection(client.groupApi.assignUserToGroup({ groupId: eng.id!, userId: '00uNOPE' }));
    expect(missing).toMatchObject({ status: 404, errorCode: 'E0000007' });
    const app = sim.store.seedGroup({ type: 'APP_GROUP', name: 'AD Group', sourceId: '0oaAD' });
    const forbidden = await rejection(client.groupApi.assignUserToGroup({ groupId: app.id, userId: ids[0] }));
    expect(forbidden).toMatchObject({ status: 403, errorCode: 'E0000006' });
    expect(sim.requests.count('PUT /api/v1/groups/{id}/users/{id}')).toBe(8);
  });

  test('non-JSON 502 surfaces as HttpError; JSON 500 as OktaApiError E0000009', async () => {
    sim.faults.next(1, 'GET /api/v1/users/{id}', { type: 'html502' });
    const e502 = await rejection(client.userApi.getUser({ userId: 'x@example.com' }));
    expect(e502.name).toBe('HttpError');
    expect(e502.status).toBe(502);
    sim.faults.next(1, 'GET /api/v1/users/{id}', { type: 'error500' });
    const e500 = await rejection(client.userApi.getUser({ userId: 'x@example.com' }));
    expect(e500).toMatchObject({ name: 'OktaApiError', status: 500, errorCode: 'E0000009' });
  });

  test('a held request trips the SDK request timeout', async () => {
    client = sdkClient(sim, { requestTimeout: 300 });
    sim.faults.next(1, 'GET /api/v1/users', { type: 'timeout' });
    const err = await rejection(client.userApi.listUsers({}).then(async (c) => c.next()));
    expect(err.name).toBe('FetchError');
    expect(err.type).toBe('request-timeout');
  });

  test('apply-then-drop: the create happens, the response is lost, a blind retry is rejected as duplicate', async () => {
    sim.faults.next(1, 'POST /api/v1/users', { type: 'drop', apply: true });
    const err = await rejection(client.userApi.createUser({ body: { profile: testProfile('dup') } }));
    expect(err.name).toBe('FetchError');
    expect(sim.store.user('userdup@example.com')?.profile).toMatchObject(testProfile('dup'));
    expect(sim.requests.log('POST /api/v1/users')[0].outcome).toBe('dropped');
    const retry = await rejection(client.userApi.createUser({ body: { profile: testProfile('dup') } }));
    expect(retry).toMatchObject({ status: 400, errorCode: 'E0000001' });
    expect(sim.store.users().filter((u) => u.profile.login === 'userdup@example.com')).toHaveLength(1);
  });
});
