/**
 * The write-ahead journal, against slapd and the simulator through the real SDK: every Okta write
 * (user create, link, update, lifecycle; group create, profile replace, member add and remove)
 * reaches Okta with its journal entry already committed, and the entries a crashed process left
 * are settled at the next start by what Okta shows (a lifecycle change by the user's status, a
 * group create by the group's name).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedRequest } from '../../../src/okta-sim/recorder';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { cleanupEnv, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';
import { openldapAdapter, people, type DirectoryAdapter } from '../../helpers/directory-scenarios';

interface Entry {
  op: string;
  payload: Record<string, unknown>;
}

/** Whether `r` (a write that reached Okta) has its journal entry among `entries`. */
function journaledFor(r: RecordedRequest, entries: readonly Entry[]): string | undefined {
  const ids = r.path.split('/').filter(Boolean); // api v1 users|groups {id} …
  const profile = (r.body as { profile?: Record<string, unknown> } | undefined)?.profile ?? {};
  const has = (op: string, test: (p: Record<string, unknown>) => boolean) => entries.find((e) => e.op === op && test(e.payload))?.op;
  if (r.endpoint === 'POST /api/v1/users') return has('create', (p) => p.login === profile.login);
  if (r.endpoint === 'POST /api/v1/users/{id}') return has('update', (p) => p.oktaId === ids[3]) ?? has('link', (p) => p.oktaId === ids[3]);
  if (r.endpoint.startsWith('POST /api/v1/users/{id}/lifecycle/')) return has('lifecycle', (p) => p.oktaId === ids[3] && p.op === ids[5]);
  if (r.endpoint === 'POST /api/v1/groups') return has('group-create', (p) => p.name === profile.name);
  if (r.endpoint === 'PUT /api/v1/groups/{id}') return has('group-update', (p) => p.oktaId === ids[3] && p.name === profile.name);
  const member = (p: Record<string, unknown>) => p.groupId === ids[3] && p.userId === ids[5];
  if (r.endpoint === 'PUT /api/v1/groups/{id}/users/{id}') return has('group-member-add', member);
  if (r.endpoint === 'DELETE /api/v1/groups/{id}/users/{id}') return has('group-member-remove', member);
  return undefined;
}

let dir: DirectoryAdapter;
let sim: OktaSimulator;
const env = scenarioDir('journal');
const statePath = join(env.dir, 'state.db');
const pop = people(8, 'j');
let config: string;
/** Writes that reached Okta, with the journal op found committed at that moment (undefined: none). */
const writes: { endpoint: string; journaled: string | undefined }[] = [];

/** Called by the simulator, synchronously, as each request's response is sent (before the agent can read it). */
function onRequest(r: RecordedRequest): void {
  if (r.method === 'GET' || !existsSync(statePath)) return;
  const db = new Database(statePath, { readonly: true });
  try {
    const rows = db.prepare('SELECT op, payload FROM journal').all() as { op: string; payload: string }[];
    const entries = rows.map((e) => ({ op: e.op, payload: JSON.parse(e.payload) as Record<string, unknown> }));
    writes.push({ endpoint: r.endpoint, journaled: journaledFor(r, entries) });
  } finally {
    db.close();
  }
}

const anchorOf = (p: (typeof pop)[number]) => {
  const s = StateStore.open(statePath, { readonly: true });
  try {
    return s.users.find(dir.login(p))!;
  } finally {
    s.close();
  }
};

beforeAll(async () => {
  dir = await openldapAdapter('journal');
  await dir.add(pop);
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS, onRequest });
  config = env.file(
    'config.yaml',
    [
      dir.sourceYaml({ groups: true }),
      // federated users are ACTIVE after create, so a disabled one can be suspended
      oktaYaml({ url: sim.url, token: sim.token, match: 'login', extra: '  provider: federation' }),
      dir.transformsYaml,
      'lifecycle:\n  disabled: suspend\n  missing: deactivate\n  missingGraceRuns: 1',
      `state:\n  path: ${statePath}`,
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await dir?.stop();
  env.cleanup();
  cleanupEnv();
});

test('every Okta write reaches Okta with its journal entry committed (users and groups, each kind)', async () => {
  const [p0, p1, p2, p3, p4, p5] = pop;
  // p0…p2 join j-team with their create; p5 (linked, not created) by a membership write
  const team = await dir.addGroup('j-team', [p0, p1, p2, p5]);
  await dir.addGroup('j-seeded', [p3]);
  // an Okta group of that name made by hand (taken over, its description replaced) and an Okta user
  // with p5's login (linked by login, its profile updated)
  sim.store.seedGroup({ name: 'j-seeded', description: 'made by hand' });
  sim.store.seedUser({ profile: { login: dir.login(p5), email: dir.login(p5), firstName: 'Old', lastName: 'Name' } });
  expect((await sync(config)).code).toBe(0);

  await dir.modify(p0, { title: 'Changed' });
  await dir.disable(p1);
  await dir.removeMembers(team, [p2]);
  await dir.remove(p4);
  // the deletion comes from the accesslog in this incremental run
  const second = await sync(config);
  expect(second.code).toBe(0);
  expect(second.report.counts.deactivated).toBe(1);

  expect(writes.filter((w) => !w.journaled)).toEqual([]);
  expect(new Set(writes.map((w) => w.journaled))).toEqual(
    new Set(['create', 'link', 'update', 'lifecycle', 'group-create', 'group-update', 'group-member-add', 'group-member-remove']),
  );
  expect(sim.requests.writes().length).toBe(writes.length);
  const s = StateStore.open(statePath, { readonly: true });
  expect(s.journal.pending()).toEqual([]);
  s.close();
}, 120_000);

test('at the next start, a lifecycle change Okta carried out is recorded by its status; one it did not is planned again', async () => {
  const [, , , p3, , p5] = pop;
  const done = anchorOf(p5);
  const notSent = anchorOf(p3);
  await dir.disable(p5);
  await dir.disable(p3);
  // a process that journaled both suspensions, sent the first (Okta carried it out), and died
  sim.store.setStatus(done.oktaId!, 'SUSPENDED');
  const s = StateStore.open(statePath);
  s.journal.begin(999, done.anchor, 'lifecycle', { oktaId: done.oktaId, op: 'suspend', intent: 'disable', dn: done.dn });
  s.journal.begin(999, notSent.anchor, 'lifecycle', { oktaId: notSent.oktaId, op: 'suspend', intent: 'disable', dn: notSent.dn });
  s.close();
  sim.requests.reset();

  const { code, report } = await sync(config);
  expect(code).toBe(0);
  expect(report.counts.recovered).toBe(2);
  // only the one Okta did not carry out is planned and sent
  expect(report.plan.lifecycle).toBe(1);
  expect(sim.requests.count('POST /api/v1/users/{id}/lifecycle/suspend')).toBe(1);
  expect(sim.requests.writes()[0].path).toContain(notSent.oktaId!);
  const after = StateStore.open(statePath, { readonly: true });
  for (const a of [done, notSent]) {
    expect(after.users.get(a.anchor)).toMatchObject({ oktaStatus: 'SUSPENDED', disabled: true, lifecycleReason: 'disabled' });
  }
  expect(after.journal.pending()).toEqual([]);
  after.close();
}, 120_000);

test('a group create whose answer was lost stays journaled, and the next start records the group of that name as created', async () => {
  const [p0, , , , , , p6] = pop;
  await dir.addGroup('j-lost', [p0, p6]);
  // Okta creates the group, every answer is lost (the executor's retries included)
  sim.faults.add({ endpoint: 'POST /api/v1/groups', times: 4, action: { type: 'drop', apply: true } });
  const lost = await sync(config);
  expect(lost.code).toBe(6);
  expect(lost.report.groups).toMatchObject({ created: 0, failed: 1 });
  const created = sim.store.groupByName('j-lost')!;
  expect(created).toBeDefined();
  let s = StateStore.open(statePath, { readonly: true });
  expect(s.journal.pending().map((j) => [j.op, (j.payload as { name: string }).name])).toEqual([['group-create', 'j-lost']]);
  s.close();
  sim.faults.clear();
  sim.requests.reset();

  const next = await sync(config);
  expect(next.code).toBe(0);
  expect(next.report.counts.recovered).toBe(1);
  expect(next.report.groups).toMatchObject({ created: 0, matched: 0, membersAdded: 2 });
  expect(sim.requests.count('POST /api/v1/groups')).toBe(0);
  expect(sim.store.members(created.id)).toHaveLength(2);
  s = StateStore.open(statePath, { readonly: true });
  const row = s.groups.byOktaId(created.id);
  expect(row).toMatchObject({ link: 'created', name: 'j-lost' });
  expect(s.journal.pending()).toEqual([]);
  s.close();
}, 120_000);
