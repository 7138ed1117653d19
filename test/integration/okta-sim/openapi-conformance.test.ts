/**
 * OpenAPI conformance: drives every endpoint the simulator implements through representative
 * success and error cases and validates each response (status code + body) against the response
 * schema the official Okta management spec documents for that operation.
 *
 * The spec parts come from test/fixtures/okta-openapi/users-groups.openapi.json (extracted by
 * scripts/extract-okta-openapi.mjs from management-minimal 2026.06.3). Validation uses ajv with
 * OpenAPI 3.0 `nullable`, formats, and `$ref`s into `components`.
 *
 * Spec quirks (facts §6) handled explicitly, never silently:
 * - 401 is not documented on these operations; 401 bodies are validated against `Error`.
 * - listUsers / listGroups / listGroupUsers document no 400, but Okta answers malformed
 *   search/filter/limit with 400 (E0000031 etc.); validated against `Error`.
 * - updateUser / replaceUser don't document 409 (E0000112, "still being activated"); `Error`.
 * - Forced 500 (fault injection) isn't documented; `Error`.
 * Any other undocumented status fails the test.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim';
import { ROUTES } from '../../../src/okta-sim/http/routes';
import { call, testProfile, type CallOptions, type RawResponse } from './http-client';

type Json = any;

const fixture: Json = JSON.parse(readFileSync(join(__dirname, '../../fixtures/okta-openapi/users-groups.openapi.json'), 'utf8'));

/** Simulator route template → spec path. */
const SPEC_PATH: Record<string, string> = {
  '/.well-known/okta-organization': '/.well-known/okta-organization',
  '/api/v1/users': '/api/v1/users',
  '/api/v1/users/{id}': '/api/v1/users/{id}',
  '/api/v1/users/{id}/groups': '/api/v1/users/{id}/groups',
  '/api/v1/groups': '/api/v1/groups',
  '/api/v1/groups/{id}': '/api/v1/groups/{groupId}',
  '/api/v1/groups/{id}/users': '/api/v1/groups/{groupId}/users',
  '/api/v1/groups/{id}/users/{id}': '/api/v1/groups/{groupId}/users/{userId}',
  '/api/v1/meta/schemas/user/{id}': '/api/v1/meta/schemas/user/{schemaId}',
};
for (const op of ['activate', 'deactivate', 'reactivate', 'suspend', 'unsuspend', 'unlock']) {
  SPEC_PATH[`/api/v1/users/{id}/lifecycle/${op}`] = `/api/v1/users/{id}/lifecycle/${op}`;
}

const QUIRKS: { status: number; endpoints: RegExp; why: string }[] = [
  { status: 401, endpoints: /.*/, why: 'spec documents no 401 on user/group operations' },
  { status: 400, endpoints: /^GET \/api\/v1\/(users|groups|groups\/\{id\}\/users)$/, why: 'invalid search/filter/limit' },
  { status: 409, endpoints: /^(POST|PUT) \/api\/v1\/users\/\{id\}$/, why: 'E0000112 still being activated' },
  { status: 500, endpoints: /.*/, why: 'injected internal error' },
];

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(fixture, 'okta.json');
const validators = new Map<string, ValidateFunction>();

function pointer(...segments: string[]): string {
  return 'okta.json#/' + segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

function validatorFor(ref: string): ValidateFunction {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    validators.set(ref, v);
  }
  return v;
}

function assertValid(ref: string, body: unknown, what: string): void {
  const v = validatorFor(ref);
  if (!v(body)) {
    throw new Error(`${what}: response does not match ${ref}:\n${ajv.errorsText(v.errors, { separator: '\n' })}\n${JSON.stringify(body).slice(0, 800)}`);
  }
}

/** Top-level keys must be properties the spec declares (the spec itself allows extra keys). */
function assertKnownKeys(obj: Json, schemaName: 'User' | 'Group', what: string): void {
  const allowed = new Set(Object.keys(fixture.components.schemas[schemaName].properties));
  const extra = Object.keys(obj).filter((k) => !allowed.has(k));
  if (extra.length) throw new Error(`${what}: ${schemaName} has properties the spec doesn't declare: ${extra.join(', ')}`);
}

function assertOktaErrorShape(body: Json, what: string): void {
  expect(Object.keys(body).sort()).toEqual(['errorCauses', 'errorCode', 'errorId', 'errorLink', 'errorSummary']);
  if (body.errorLink !== body.errorCode || !/^oae/.test(body.errorId)) throw new Error(`${what}: not Okta-shaped: ${JSON.stringify(body)}`);
}

const coverage = new Map<string, Set<number>>();

/** Validate one response of `endpoint` ("METHOD /template") against the spec. */
function conform(endpoint: string, res: RawResponse): void {
  const [method, template] = endpoint.split(' ');
  const specPath = SPEC_PATH[template];
  if (!specPath) throw new Error(`no spec path for ${endpoint}`);
  const op = fixture.paths[specPath][method.toLowerCase()];
  if (!op) throw new Error(`spec has no ${method} ${specPath}`);
  const what = `${endpoint} → ${res.status}`;
  expect(res.headers['content-type']).toMatch(/^application\/json/);

  let response = op.responses[String(res.status)];
  let ref = pointer('paths', specPath, method.toLowerCase(), 'responses', String(res.status));
  if (!response) {
    const quirk = QUIRKS.find((q) => q.status === res.status && q.endpoints.test(endpoint));
    if (!quirk) throw new Error(`${what}: status not documented by the spec for this operation`);
    assertValid(pointer('components', 'schemas', 'Error'), res.json, `${what} (quirk: ${quirk.why})`);
    assertOktaErrorShape(res.json, what);
    return;
  }
  if (response.$ref) {
    const name = response.$ref.replace('#/components/responses/', '');
    response = fixture.components.responses[name];
    ref = pointer('components', 'responses', name);
  }
  const media = response.content?.['application/json'];
  if (!media?.schema) {
    // Documented without a body schema (`content: {}`): the simulator sends nothing or `{}`.
    expect(res.text === '' || res.text === '{}').toBe(true);
    return;
  }
  assertValid(`${ref}/content/application~1json/schema`, res.json, what);
  if (res.status >= 400) {
    assertOktaErrorShape(res.json, what);
    return;
  }
  const items: Json[] = Array.isArray(res.json) ? res.json : [res.json];
  const schema = JSON.stringify(media.schema);
  for (const item of items) {
    if (schema.includes('schemas/User"') || schema.includes('UserGetSingleton')) assertKnownKeys(item, 'User', what);
    if (schema.includes('schemas/Group"')) assertKnownKeys(item, 'Group', what);
  }
}

let sim: OktaSimulator;

async function req(method: string, path: string, expected: number, opts: CallOptions = {}): Promise<RawResponse> {
  const res = await call(sim, method, path, opts);
  const entry = sim.requests.log().at(-1)!;
  if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status} ${res.text}`);
  conform(entry.endpoint, res);
  if (!coverage.has(entry.endpoint)) coverage.set(entry.endpoint, new Set());
  coverage.get(entry.endpoint)!.add(res.status);
  return res;
}

beforeAll(async () => {
  sim = await startOktaSimulator({ windowMs: 60_000 });
});
afterAll(async () => {
  await sim.close();
});

describe('users', () => {
  test('create: statuses, validation errors, duplicates', async () => {
    const staged = await req('POST', '/api/v1/users?activate=false', 200, { body: { profile: testProfile('staged') } });
    expect(staged.json.status).toBe('STAGED');
    const prov = await req('POST', '/api/v1/users?activate=true', 200, { body: { profile: testProfile('prov') } });
    expect(prov.json.status).toBe('PROVISIONED');
    const fed = await req('POST', '/api/v1/users?activate=true&provider=true', 200, {
      body: { profile: testProfile('fed'), credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } } },
    });
    expect(fed.json.status).toBe('ACTIVE');
    const pw = await req('POST', '/api/v1/users', 200, { body: { profile: testProfile('pw'), credentials: { password: { value: 'S3cret!pass' } } } });
    expect(pw.json.status).toBe('ACTIVE');
    expect(pw.json.credentials.password).toEqual({});
    await req('POST', '/api/v1/users', 400, { body: { profile: testProfile('staged') } });
    await req('POST', '/api/v1/users', 400, { body: { profile: { login: 'nobody@example.com' } } });
    await req('POST', '/api/v1/users', 400, { body: { profile: testProfile('groups'), groupIds: Array.from({ length: 21 }, (_, i) => `00g${i}`) } });
    await req('POST', '/api/v1/users?activate=false&nextLogin=changePassword', 400, { body: { profile: testProfile('nl') } });
    await req('POST', '/api/v1/users', 400, { rawBody: '{not json' });
  });

  test('get by id and login, 404', async () => {
    const u = sim.store.user('userstaged@example.com')!;
    const byId = await req('GET', `/api/v1/users/${u.id}`, 200);
    expect(byId.json.id).toBe(u.id);
    // a weak ETag, the same whichever way the user is addressed
    expect(byId.headers.etag).toMatch(/^W\/".+"$/);
    const byLogin = await req('GET', `/api/v1/users/${encodeURIComponent('USERSTAGED@example.com')}`, 200);
    expect(byLogin.json.id).toBe(u.id);
    expect(byLogin.headers.etag).toBe(byId.headers.etag);
    await req('GET', '/api/v1/users/missing%40example.com', 404);
  });

  test('list: plain, search, filter, q, pages, bad queries', async () => {
    await req('GET', '/api/v1/users', 200);
    await req('GET', '/api/v1/users?limit=2', 200);
    await req('GET', `/api/v1/users?search=${encodeURIComponent('status eq "ACTIVE" or status eq "STAGED"')}`, 200);
    await req('GET', `/api/v1/users?filter=${encodeURIComponent('status eq "PROVISIONED"')}`, 200);
    await req('GET', '/api/v1/users?q=First', 200);
    await req('GET', `/api/v1/users?search=${encodeURIComponent('status eqq "ACTIVE"')}`, 400);
    await req('GET', `/api/v1/users?filter=${encodeURIComponent('profile.city eq "x"')}`, 400);
    await req('GET', '/api/v1/users?limit=abc', 400);
  });

  test('partial update, replace, errors', async () => {
    const u = sim.store.user('userprov@example.com')!;
    const upd = await req('POST', `/api/v1/users/${u.id}`, 200, { body: { profile: { title: 'Engineer', mobilePhone: '+1 555 0100' } } });
    expect(upd.json.profile.title).toBe('Engineer');
    await req('POST', `/api/v1/users/${u.id}`, 400, { body: { profile: { email: 'not-an-email' } } });
    await req('POST', '/api/v1/users/00uMISSING', 404, { body: { profile: { title: 'x' } } });
    const rep = await req('PUT', `/api/v1/users/${u.id}`, 200, { body: { profile: testProfile('prov') } });
    expect(rep.json.profile.title).toBeUndefined();
    await req('PUT', `/api/v1/users/${u.id}`, 400, { body: { profile: { login: 'userprov@example.com' } } });
    await req('PUT', '/api/v1/users/00uMISSING', 404, { body: { profile: testProfile('zz') } });
    const dep = sim.store.seedUser({ status: 'DEPROVISIONED', profile: testProfile('gone') });
    await req('POST', `/api/v1/users/${dep.id}`, 403, { body: { profile: { title: 'x' } } });
  });

  test('activation window: 409 on update', async () => {
    const s2 = await startOktaSimulator({ activationDelayMs: 60_000 });
    try {
      const created = await call(s2, 'POST', '/api/v1/users', { body: { profile: testProfile('act'), credentials: { password: { value: 'Passw0rd!x' } } } });
      conform('POST /api/v1/users', created);
      expect(created.json.transitioningToStatus).toBe('ACTIVE');
      const res = await call(s2, 'POST', `/api/v1/users/${created.json.id}`, { body: { profile: { title: 'x' } } });
      expect(res.status).toBe(409);
      conform('POST /api/v1/users/{id}', res);
    } finally {
      await s2.close();
    }
  });

  test('lifecycle operations: success and wrong-state errors', async () => {
    const staged = sim.store.seedUser({ status: 'STAGED', profile: testProfile('lc') });
    const act = await req('POST', `/api/v1/users/${staged.id}/lifecycle/activate?sendEmail=false`, 200);
    expect(act.json.activationToken).toEqual(expect.any(String));
    await req('POST', `/api/v1/users/${staged.id}/lifecycle/activate`, 403);
    await req('POST', '/api/v1/users/00uMISSING/lifecycle/activate', 404);
    await req('POST', `/api/v1/users/${staged.id}/lifecycle/reactivate?sendEmail=false`, 200);
    await req('POST', `/api/v1/users/${staged.id}/lifecycle/suspend`, 400);
    await req('POST', '/api/v1/users/00uMISSING/lifecycle/suspend', 404);
    const active = sim.store.seedUser({ status: 'ACTIVE', profile: testProfile('lc2') });
    await req('POST', `/api/v1/users/${active.id}/lifecycle/reactivate`, 403);
    await req('POST', '/api/v1/users/00uMISSING/lifecycle/reactivate', 404);
    await req('POST', `/api/v1/users/${active.id}/lifecycle/suspend`, 200);
    await req('POST', `/api/v1/users/${active.id}/lifecycle/unsuspend`, 200);
    await req('POST', `/api/v1/users/${active.id}/lifecycle/unsuspend`, 400);
    await req('POST', '/api/v1/users/00uMISSING/lifecycle/unsuspend', 404);
    sim.store.setStatus(active.id, 'LOCKED_OUT');
    await req('POST', `/api/v1/users/${active.id}/lifecycle/unlock`, 200);
    await req('POST', `/api/v1/users/${staged.id}/lifecycle/unlock`, 403);
    await req('POST', '/api/v1/users/00uMISSING/lifecycle/unlock', 404);
    await req('POST', `/api/v1/users/${active.id}/lifecycle/deactivate`, 200);
    await req('POST', `/api/v1/users/${active.id}/lifecycle/deactivate`, 403);
    await req('POST', '/api/v1/users/00uMISSING/lifecycle/deactivate', 404);
    await req('POST', `/api/v1/users/${active.id}/lifecycle/activate`, 200);
  });

  test('delete: deactivate then delete, 404', async () => {
    const u = sim.store.seedUser({ profile: testProfile('del') });
    await req('DELETE', `/api/v1/users/${u.id}`, 204);
    expect(sim.store.user(u.id)!.status).toBe('DEPROVISIONED');
    await req('DELETE', `/api/v1/users/${u.id}`, 204);
    expect(sim.store.user(u.id)).toBeUndefined();
    await req('DELETE', `/api/v1/users/${u.id}`, 404);
  });
});

describe('groups', () => {
  test('create, get, replace, list, delete', async () => {
    const g = await req('POST', '/api/v1/groups', 200, { body: { profile: { name: 'Engineering', description: 'Eng' } } });
    expect(g.json.type).toBe('OKTA_GROUP');
    await req('POST', '/api/v1/groups', 400, { body: { profile: { name: 'engineering' } } });
    await req('POST', '/api/v1/groups', 400, { body: { profile: { description: 'no name' } } });
    await req('GET', `/api/v1/groups/${g.json.id}`, 200);
    await req('GET', '/api/v1/groups/00gMISSING', 404);
    await req('PUT', `/api/v1/groups/${g.json.id}`, 200, { body: { profile: { name: 'Engineering', description: 'All engineers' } } });
    await req('PUT', `/api/v1/groups/${g.json.id}`, 400, { body: { profile: {} } });
    await req('PUT', '/api/v1/groups/00gMISSING', 404, { body: { profile: { name: 'x' } } });
    const app = sim.store.seedGroup({ type: 'APP_GROUP', name: 'AD Admins', sourceId: '0oa1ad', profile: { samAccountName: 'admins' } });
    await req('PUT', `/api/v1/groups/${app.id}`, 403, { body: { profile: { name: 'renamed' } } });
    await req('GET', '/api/v1/groups', 200);
    await req('GET', '/api/v1/groups?limit=1&expand=stats', 200);
    await req('GET', `/api/v1/groups?search=${encodeURIComponent('type eq "APP_GROUP"')}`, 200);
    await req('GET', `/api/v1/groups?filter=${encodeURIComponent('type eq "OKTA_GROUP"')}`, 200);
    await req('GET', '/api/v1/groups?q=Eng', 200);
    await req('GET', `/api/v1/groups?filter=${encodeURIComponent('profile.name eq "x"')}`, 400);
    const builtIn = sim.store.seedGroup({ type: 'BUILT_IN', name: 'Everyone' });
    await req('DELETE', `/api/v1/groups/${builtIn.id}`, 403);
    const tmp = await req('POST', '/api/v1/groups', 200, { body: { profile: { name: 'Temp' } } });
    await req('DELETE', `/api/v1/groups/${tmp.json.id}`, 204);
    await req('DELETE', `/api/v1/groups/${tmp.json.id}`, 404);
  });

  test('membership and member lists', async () => {
    const g = sim.store.groupByName('Engineering')!;
    const app = sim.store.groupByName('AD Admins')!;
    const u = sim.store.user('userpw@example.com')!;
    await req('PUT', `/api/v1/groups/${g.id}/users/${u.id}`, 204);
    await req('PUT', `/api/v1/groups/${g.id}/users/00uMISSING`, 404);
    await req('PUT', `/api/v1/groups/${app.id}/users/${u.id}`, 403);
    await req('GET', `/api/v1/groups/${g.id}/users`, 200);
    await req('GET', `/api/v1/groups/${g.id}/users?limit=1`, 200);
    await req('GET', '/api/v1/groups/00gMISSING/users', 404);
    await req('GET', `/api/v1/users/${u.id}/groups`, 200);
    await req('GET', '/api/v1/users/00uMISSING/groups', 404);
    await req('DELETE', `/api/v1/groups/${g.id}/users/${u.id}`, 204);
    await req('DELETE', `/api/v1/groups/00gMISSING/users/${u.id}`, 404);
    await req('DELETE', `/api/v1/groups/${app.id}/users/${u.id}`, 403);
  });
});

describe('user schema', () => {
  const custom = (properties: Record<string, unknown>) => ({ body: { definitions: { custom: { properties } } } });
  const causes = (res: RawResponse) => (res.json.errorCauses as { errorSummary: string }[]).map((c) => c.errorSummary);

  test("get by 'default' and by id; the base attributes of Okta's default schema", async () => {
    const def = await req('GET', '/api/v1/meta/schemas/user/default', 200);
    expect(def.json.definitions.base.required).toEqual(['login', 'firstName', 'lastName', 'email']);
    expect(def.json.definitions.base.properties.login).toMatchObject({ type: 'string', minLength: 5, maxLength: 100, required: true });
    expect(def.json.definitions.base.properties.countryCode).toMatchObject({ type: 'string', maxLength: 2 });
    expect(def.json.definitions.custom.properties).toEqual({});
    const id = String(def.json._links.self.href).split('/').pop()!;
    expect(id).toMatch(/^osc/);
    const byId = await req('GET', `/api/v1/meta/schemas/user/${id}`, 200);
    expect(byId.json.definitions).toEqual(def.json.definitions);
    await req('GET', '/api/v1/meta/schemas/user/oscMISSING', 404);
  });

  test('update: custom properties added and removed; bad definitions refused whole', async () => {
    const added = await req(
      'POST',
      '/api/v1/meta/schemas/user/default',
      200,
      custom({
        costCenterCode: { title: 'Cost center code', type: 'string', minLength: 2, maxLength: 8 },
        region: { title: 'Region', type: 'string', enum: ['EU', 'US'] },
        seats: { title: 'Seats', type: 'integer' },
        tags: { title: 'Tags', type: 'array', items: { type: 'string' } },
        scratch: { title: 'Scratch', type: 'boolean' },
      }),
    );
    expect(added.json.definitions.custom.properties.costCenterCode).toMatchObject({ type: 'string', maxLength: 8 });
    const removed = await req('POST', '/api/v1/meta/schemas/user/default', 200, custom({ scratch: null }));
    expect(Object.keys(removed.json.definitions.custom.properties).sort()).toEqual(['costCenterCode', 'region', 'seats', 'tags']);
    const bad = await req(
      'POST',
      '/api/v1/meta/schemas/user/default',
      400,
      custom({ fine: { type: 'string' }, '1st': { type: 'string' }, Email: { type: 'string' } }),
    );
    expect(causes(bad)).toEqual([
      expect.stringMatching(/^1st: Invalid property name/),
      'Email: An object with this field already exists in the current organization',
    ]);
    expect(sim.schema.attribute('fine')).toBeUndefined();
    await req('POST', '/api/v1/meta/schemas/user/oscMISSING', 404, custom({}));
  });

  test('user creates and updates are validated against it (unknown attribute, type, enum, length)', async () => {
    const ok = await req('POST', '/api/v1/users?activate=false', 200, {
      body: { profile: { ...testProfile('schema'), costCenterCode: 'CC-12', region: 'EU', seats: 3, tags: ['a', 'b'] } },
    });
    expect(ok.json.profile).toMatchObject({ costCenterCode: 'CC-12', region: 'EU', seats: 3, tags: ['a', 'b'] });
    const unknown = await req('POST', '/api/v1/users', 400, { body: { profile: { ...testProfile('schema2'), costCentre: 'x' } } });
    expect(unknown.json.errorSummary).toBe('Api validation failed: costCentre');
    expect(causes(unknown)).toEqual(["Property name 'costCentre' is not defined in profile"]);
    const id = ok.json.id as string;
    const wrong = await req('POST', `/api/v1/users/${id}`, 400, { body: { profile: { seats: '3', region: 'APAC', costCenterCode: 'CC-123456', tags: 'a' } } });
    expect(causes(wrong).sort()).toEqual([
      'costCenterCode: The field cannot be longer than 8 characters',
      'region: The field value is not one of the allowed values',
      'seats: The field must be an integer',
      'tags: The field must be an array of string values',
    ]);
    expect(sim.store.user(id)!.profile.seats).toBe(3);
  });
});

describe('org', () => {
  test('well-known org metadata, with or without a token', async () => {
    await req('GET', '/.well-known/okta-organization', 200, { token: null });
    await req('GET', '/.well-known/okta-organization', 200, { token: 'wrong' });
  });
});

describe('cross-cutting', () => {
  test('401 on every endpoint with a bad token, Error-shaped (public endpoints need none)', async () => {
    const u = sim.store.user('userpw@example.com')!;
    const g = sim.store.groupByName('Engineering')!;
    for (const r of ROUTES.filter((x) => !x.public)) {
      const path = r.template.replace('{id}', r.template.startsWith('/api/v1/groups') ? g.id : u.id).replace('{id}', u.id);
      await req(r.method, path, 401, { token: 'wrong', body: r.method === 'GET' ? undefined : {} });
    }
  });

  test('forced 429 and 500 on every endpoint are Error-shaped', async () => {
    const u = sim.store.user('userpw@example.com')!;
    const g = sim.store.groupByName('Engineering')!;
    for (const r of ROUTES) {
      const path = r.template.replace('{id}', r.template.startsWith('/api/v1/groups') ? g.id : u.id).replace('{id}', u.id);
      sim.faults.next(1, `${r.method} ${r.template}`, { type: 'rateLimit' });
      await req(r.method, path, 429, { body: r.method === 'GET' ? undefined : {} });
      sim.faults.next(1, `${r.method} ${r.template}`, { type: 'error500' });
      await req(r.method, path, 500, { body: r.method === 'GET' ? undefined : {} });
    }
  });

  test('the checker itself rejects non-conforming responses', () => {
    const fake = (status: number, json: unknown): RawResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      rawHeaders: [],
      text: JSON.stringify(json),
      json,
    });
    expect(() => conform('GET /api/v1/users/{id}', fake(200, { id: 5, status: 'ACTIVE' }))).toThrow(/must be string/);
    expect(() => conform('GET /api/v1/users/{id}', fake(200, { id: 'x', status: 'BOGUS' }))).toThrow(/allowed values/);
    expect(() => conform('GET /api/v1/users/{id}', fake(200, { id: 'x', extra: 1 }))).toThrow(/doesn't declare: extra/);
    expect(() => conform('GET /api/v1/users/{id}', fake(418, {}))).toThrow(/not documented/);
    expect(() => conform('GET /api/v1/groups', fake(200, [{ id: 'g', type: 'NOPE' }]))).toThrow(/allowed values/);
    expect(() => conform('GET /api/v1/users/{id}', fake(404, { errorCode: 'E0000007', errorSummary: 'x' }))).toThrow();
  });

  test('every implemented route was validated with a success and an error response', () => {
    for (const r of ROUTES) {
      const key = `${r.method} ${r.template}`;
      const statuses = [...(coverage.get(key) ?? [])];
      expect({ key, success: statuses.some((s) => s < 300) }).toEqual({ key, success: true });
      // a public endpoint's only documented error is 429
      const clientError = r.public ? statuses.includes(429) : statuses.some((s) => s >= 400 && s < 429);
      expect({ key, clientError }).toEqual({ key, clientError: true });
    }
  });
});
