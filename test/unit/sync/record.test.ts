/**
 * The one per-record path (src/sync/record.ts): the plan of a sync (`plan`), `preflight` and
 * `explain` decide the same action for the same record against the same state; a claim names the
 * claiming record's DN; a registry failure reaches the caller as the real failure; the transforms'
 * trace only when asked for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../../../src/sync/schema';
import type { DirectorySource } from '../../../src/directory/source';
import type { SourcePage, SourceRecord } from '../../../src/directory/types';
import { explainKey, type Explanation } from '../../../src/inspect/explain';
import { runPreflight } from '../../../src/inspect/preflight';
import { OktaFatalError } from '../../../src/okta/errors';
import { parseUserSchema } from '../../../src/okta/user-schema';
import type { MirrorReader } from '../../../src/sync/mirror/refresh';
import { StateStore } from '../../../src/state/store';
import { compilePipeline, type Pipeline } from '../../../src/transform';
import { planPhase } from '../../../src/sync/plan-phase';
import type { Action } from '../../../src/sync/plan/types';
import { RecordPath } from '../../../src/sync/record';
import { silentLogger } from '../../../src/util/log';

const STEPS = [
  {
    name: 'attributes',
    map: { firstName: '{givenName}', lastName: '{sn}', email: '{mail}', employeeNumber: '{employeeNumber}', costCenterCode: '{departmentNumber}' },
  },
  { name: 'service-accounts', skip: { if: 'uid =~ /^svc-/', reason: 'service account {uid}' } },
  { name: 'login', username: { templates: ['{uid}@x.test'] } },
  { name: 'checks', validate: { required: ['email'], unique: ['employeeNumber'] } },
];

const LIFECYCLE = { disabled: 'suspend', createDisabled: false, missing: 'deactivate', missingGraceRuns: 2 } as const;

const dnOf = (uid: string) => `uid=${uid},ou=people,dc=x`;
const person = (uid: string, attrs: Record<string, string> = {}, disabled = false): SourceRecord => ({
  anchor: `a-${uid}`,
  dn: dnOf(uid),
  disabled,
  attributes: Object.fromEntries(
    Object.entries({ uid, givenName: uid, sn: 'Person', mail: `${uid}@x.test`, ...attrs }).flatMap(([k, v]) => (v ? [[k.toLowerCase(), [v]]] : [])),
  ),
});

/** A directory of one page (the LDIF reader's contract, in memory). */
function directory(records: SourceRecord[]): DirectorySource {
  const find = (key: string) => records.filter((r) => r.anchor === key || r.dn === key || r.attributes.uid?.[0] === key);
  return {
    id: 'memory',
    open: async () => undefined,
    release: async () => undefined,
    close: async () => undefined,
    checkpoint: async () => ({ kind: 'none' }),
    canResume: () => ({ ok: false, reason: 'a file cannot resume' }),
    async *users(): AsyncIterable<SourcePage> {
      yield { records, rejected: [] };
    },
    async *usersByDn() {},
    tracksDeletions: async () => ({ ok: false, reason: 'a file' }),
    async *goneUsers() {},
    async *groups() {},
    findUsers: async (key: string) => find(key),
  };
}

function compile(): Pipeline {
  const r = compilePipeline(STEPS, { baseDir: __dirname });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.pipeline;
}

/** The org's user schema: the base attributes the steps set, and a custom one of at most 4 characters. */
const ORG_SCHEMA = parseUserSchema(
  {
    definitions: {
      base: {
        properties: {
          login: { type: 'string', minLength: 5, maxLength: 100 },
          email: { type: 'string', minLength: 5, maxLength: 100 },
          firstName: { type: 'string', minLength: 1, maxLength: 50 },
          lastName: { type: 'string', minLength: 1, maxLength: 50 },
          employeeNumber: { type: 'string' },
        },
      },
      custom: { properties: { costCenterCode: { type: 'string', maxLength: 4 } } },
    },
  },
  '2026-01-01T00:00:00.000Z',
);

/** An org with no users or groups yet (what the mirror's refresh reads). */
const emptyOkta: MirrorReader = {
  usersPage: async () => ({ items: [], next: null, serverTime: Date.parse('2026-01-01T00:00:00Z') }),
  groupsPage: async () => ({ items: [], next: null, serverTime: Date.parse('2026-01-01T00:00:00Z') }),
  groupMembersPage: async () => ({ items: [], next: null, serverTime: null }),
  orgMetadata: async () => ({ id: '00oTEST', url: 'https://org.test' }),
  getUserSchema: async () => ORG_SCHEMA,
};

let dir: string;
let state: StateStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'record-path-'));
  state = StateStore.open(join(dir, 'state.db'));
});
afterEach(() => {
  state.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('plan, preflight and explain: one path, the same action', () => {
  const records = [
    person('alice'), // new: create
    person('bob', { sn: 'Renamed' }), // linked, lastName changed: update
    person('carl'), // linked, as applied: unchanged
    person('dora', { mail: '' }), // no e-mail: quarantined by checks
    person('svc-backup'), // skipped by a rule
    person('erin', {}, true), // new and disabled in the directory: skipped (created once enabled)
    person('fred', { departmentNumber: 'CC-12345' }), // beyond the schema's maxLength of costCenterCode: quarantined, not sent
  ];

  /** The state after an earlier run applied bob and carl (bob with another last name). */
  async function seed(pipeline: Pipeline): Promise<void> {
    const runId = state.runs.begin('sync', 'full', 'cli');
    const spool = state.spool();
    const path = await RecordPath.begin({ pipeline, state, spool, okta: undefined, lifecycle: LIFECYCLE });
    const planned = await path.planPage({ records: [person('bob'), person('carl')], rejected: [] });
    spool.close();
    for (const { desired } of planned.records) {
      if (desired.kind !== 'ok') throw new Error('seed records must transform');
      const oktaId = `00u-${desired.anchor}`;
      state.users.recordApplied({ ...desired, oktaId, oktaStatus: 'ACTIVE', link: 'created', runId });
    }
    state.runs.finish(runId, 'ok', {});
  }

  test('every record gets the same action from the plan, from explain, and the same fate from preflight', async () => {
    const pipeline = compile();
    await seed(pipeline);
    const config = {
      lifecycle: LIFECYCLE,
      safeguards: {
        deprovisions: { percent: 10, count: 500 },
        membershipRemovals: { percent: 10, count: 5000 },
        updates: { percent: 60, count: 200000 },
        ignoreBelow: 10,
      },
      okta: { match: [{ by: 'login' }], orgUrl: 'https://org.test', drift: 'repair', mirror: { refreshSeconds: 60, consistencyMarginSeconds: 60 } },
      state: { path: join(dir, 'state.db') },
      source: { type: 'ldif' },
      transforms: STEPS,
    } as unknown as RunConfig;
    const source = directory(records);
    const deps = { config, source, state, pipeline, log: silentLogger };

    const planned = await planPhase({ ...deps, okta: emptyOkta }, { mode: 'full' });
    const byAnchor = new Map<string, Action>();
    for (const a of planned.spool.actions<Action>(['create', 'update', 'lifecycle', 'unchanged', 'quarantine', 'skip', 'missing']))
      byAnchor.set(a.anchor, a.payload);
    planned.spool.close();
    expect(Object.fromEntries([...byAnchor].map(([anchor, a]) => [anchor, a.kind]))).toEqual({
      'a-alice': 'create',
      'a-bob': 'update',
      'a-carl': 'unchanged',
      'a-dora': 'quarantine',
      'a-svc-backup': 'skip',
      'a-erin': 'skip',
      'a-fred': 'quarantine',
    });
    expect(byAnchor.get('a-fred')).toMatchObject({
      step: 'okta-schema',
      reason: "costCenterCode: 8 characters, more than the 4 (maxLength) Okta's user schema allows",
    });

    for (const r of records) {
      const x = (await explainKey({ ...deps, okta: emptyOkta }, r.anchor)) as Explanation;
      const a = byAnchor.get(r.anchor)!;
      expect([r.anchor, x.next?.action]).toEqual([r.anchor, a.kind]);
      if (a.kind === 'update') expect(x.next?.changes).toEqual(a.changes);
      if (a.kind === 'quarantine' || a.kind === 'skip') expect([x.next?.step, x.next?.reason]).toEqual([a.step, a.reason]);
    }

    const requestCounts = { total: 0, writes: 0, retries: 0, rateLimited: 0, byBucket: {} };
    const report = await runPreflight({ ...deps, okta: { ...emptyOkta, requestCounts } }, { stateExists: true });
    expect(report.records).toMatchObject({ read: 7, create: 1, update: 1, unchanged: 1, quarantine: 2, skip: 2, link: 0 });
  });
});

describe('RecordPath', () => {
  test('a claim names the DN of the record that holds it', async () => {
    const path = await RecordPath.begin({ pipeline: compile(), state, spool: state.spool(), okta: undefined, lifecycle: LIFECYCLE });
    const page = await path.planPage({ records: [person('first', { employeeNumber: '7' }), person('second', { employeeNumber: '7' })], rejected: [] });
    expect(page.records.map((r) => r.action.kind)).toEqual(['create', 'quarantine']);
    expect(page.records[1].action).toMatchObject({ step: 'checks', reason: `employeeNumber '7' is already held by ${dnOf('first')}` });
  });

  test('two records of a page that want one login: the first keeps it, the second is told who holds it', async () => {
    const path = await RecordPath.begin({ pipeline: compile(), state, spool: state.spool(), okta: undefined, lifecycle: LIFECYCLE });
    const twin = { ...person('twin'), anchor: 'a-twin-2', dn: 'uid=twin,ou=other,dc=x' };
    const page = await path.planPage({ records: [person('twin'), twin], rejected: [] });
    expect(page.records[0].action).toMatchObject({ kind: 'create', login: 'twin@x.test' });
    expect(page.records[1].outcome.findings).toContainEqual(
      expect.objectContaining({ type: 'username.conflict', message: expect.stringContaining(dnOf('twin')) }),
    );
  });

  test('Okta known from the mirror: a login an Okta user holds is taken (deactivated users too): the next suffix', async () => {
    state.mirror.setMeta('users', { watermark: '2026-01-01T00:00:00.000Z', shape: { attributes: null, indexed: [] }, refreshedAt: null });
    state.mirror.putUsers([{ id: '00uOLD', status: 'DEPROVISIONED', profile: { login: 'Alice@x.test' } }]);
    const path = await RecordPath.begin({
      pipeline: compile(),
      state,
      spool: state.spool(),
      okta: { mirror: state.mirror, config: { match: [], drift: 'repair' } },
      lifecycle: LIFECYCLE,
    });
    const [taken] = (await path.planPage({ records: [person('alice')], rejected: [] })).records;
    expect(taken.action).toMatchObject({ kind: 'create', login: 'alice2@x.test' });
    expect(taken.outcome.findings).toContainEqual(
      expect.objectContaining({ type: 'username.conflict', message: "'alice@x.test' held by Okta user 00uOLD (DEPROVISIONED)" }),
    );
  });

  test('a refresh failure reaches the caller as the Okta failure itself, before anything is planned', async () => {
    const refused = new OktaFatalError('auth', 'Okta refused the API token');
    const okta: MirrorReader = { ...emptyOkta, usersPage: () => Promise.reject(refused) };
    const config = {
      lifecycle: LIFECYCLE,
      okta: { match: [], orgUrl: 'https://org.test', drift: 'repair', mirror: { refreshSeconds: 60, consistencyMarginSeconds: 60 } },
      source: { type: 'ldif' },
    } as unknown as RunConfig;
    await expect(planPhase({ config, source: directory([person('alice')]), state, pipeline: compile(), log: silentLogger, okta })).rejects.toBe(refused);
    expect(state.mirror.org()).toBeUndefined();
  });

  test("the transforms' trace only when asked for", async () => {
    const path = await RecordPath.begin({ pipeline: compile(), state, spool: state.spool(), okta: undefined, lifecycle: LIFECYCLE });
    const [plain] = (await path.planPage({ records: [person('alice')], rejected: [] })).records;
    const [traced] = (await path.planPage({ records: [person('bob')], rejected: [] }, { trace: true })).records;
    expect(plain.outcome.trace).toBeUndefined();
    expect(traced.outcome.trace?.steps.map((s) => s.step)).toEqual(['attributes', 'service-accounts', 'login', 'checks']);
  });

  test('kept actions: the anchors seen leave out skipped records and rejected entries', async () => {
    const spool = state.spool();
    const path = await RecordPath.begin({ pipeline: compile(), state, spool, okta: undefined, lifecycle: LIFECYCLE });
    const page = await path.planPage({ records: [person('alice'), person('svc-x')], rejected: [{ dn: 'cn=broken,dc=x', reason: 'no anchor' }] });
    expect(page.rejected).toEqual([
      { kind: 'quarantine', anchor: 'dn:cn=broken,dc=x', dn: 'cn=broken,dc=x', step: 'directory', reason: 'no anchor', oktaId: null },
    ]);
    path.keep([...page.records.map((r) => r.action), ...page.rejected], 'actions');
    expect([spool.wasSeen('a-alice'), spool.wasSeen('a-svc-x'), spool.wasSeen('dn:cn=broken,dc=x')]).toEqual([true, false, false]);
    expect(spool.loginClaimedBy('alice@x.test')).toEqual({ anchor: 'a-alice', dn: dnOf('alice') });
    expect(spool.counts()).toMatchObject({ create: 1, skip: 1, quarantine: 1 });
  });
});
