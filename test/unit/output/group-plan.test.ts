/**
 * The group plan as `plan` shows it: per group create / take over / rename (old → new) / members /
 * left the directory / quarantined (with the reason), with the members to add and remove and their
 * counts — as tables and as JSON — read from the plan's temp tables, first contacts decided from
 * the agent's mirror of Okta.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src/config/schema';
import type { DirectorySource, SourceGroup } from '../../../src/directory/source';
import type { OktaGroup } from '../../../src/okta/client';
import { StateStore, type PlanSpool } from '../../../src/state/store';
import { planGroups, type GroupPlan } from '../../../src/sync/groups';
import { formatGroupPlan, groupPlanJson, withJsonMember } from '../../../src/output/group-plan';
import { lookUpFirstContacts } from '../../../src/sync/groups/first-contact-lookup';
import { silentLogger } from '../../../src/util/log';

const NOW = '2026-01-01T00:00:00.000Z';
const GROUPS = 'ou=groups,dc=x';
const userDn = (k: string) => `uid=${k},ou=people,dc=x`;
const groupDn = (cn: string) => `cn=${cn},${GROUPS}`;

const config = {
  groups: { baseDns: [GROUPS], scope: 'sub', attributes: ['cn', 'description'], nested: 'flatten' },
  okta: { concurrency: 2 },
} as unknown as Config;

function source(groups: SourceGroup[]): DirectorySource {
  return {
    async *groups() {
      yield { groups, rejected: [] };
    },
  } as unknown as DirectorySource;
}

const group = (cn: string | null, members: string[], anchor = `g-${cn}`, description?: string): SourceGroup => ({
  anchor,
  dn: groupDn(cn ?? 'nameless'),
  attributes: { ...(cn ? { cn: [cn] } : {}), ...(description ? { description: [description] } : {}) },
  members,
});

let dir: string;
let state: StateStore;
let spool: PlanSpool;
let groupPlan: GroupPlan | undefined;

/**
 * The state before this run: users old (linked) and gone-user (linked); groups Sales (00gS, member
 * old), Temp (00gT, member old; not in the directory any more) and Legacy (00gL, left the directory
 * earlier, no memberships: its Okta group can be taken over).
 */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'grp-plan-out-'));
  const path = join(dir, 'state.db');
  StateStore.open(path).close();
  const db = new Database(path);
  const user = db.prepare(
    `INSERT INTO users (anchor, dn, dn_norm, okta_id, login, login_norm, link, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?)`,
  );
  user.run('u-old', userDn('old'), userDn('old'), '00u1', 'old@x.test', 'old@x.test', NOW, NOW);
  const grp =
    db.prepare(`INSERT INTO groups (anchor, dn, dn_norm, want_name, want_description, okta_id, name, description, name_norm, link, removed_run, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', ?, ?, ?)`);
  grp.run('g-Sales', groupDn('Sales'), groupDn('sales'), 'Sales', 'Sales people', '00gS', 'Sales', 'Sales people', 'sales', null, NOW, NOW);
  grp.run('g-Temp', groupDn('Temp'), groupDn('temp'), 'Temp', null, '00gT', 'Temp', null, 'temp', null, NOW, NOW);
  grp.run('g-Legacy', groupDn('Legacy'), groupDn('legacy'), 'Legacy', null, '00gL', 'Legacy', null, 'legacy', 1, NOW, NOW);
  db.prepare('INSERT INTO group_members (group_anchor, user_anchor) VALUES (?, ?)').run('g-Sales', 'u-old');
  db.prepare('INSERT INTO group_members (group_anchor, user_anchor) VALUES (?, ?)').run('g-Temp', 'u-old');
  db.close();
  state = StateStore.open(path, { readonly: true });
  // Okta's groups as the mirror (a TEMP copy: the state is read-only) knows them
  state.mirror.groups.put([okta('OKTA_GROUP', '00gE', 'eng', 'made by hand'), okta('APP_GROUP', '00gF', 'Finance'), okta('OKTA_GROUP', '00gL', 'Legacy')]);
  spool = state.spool();
  // this run's users: old (unchanged), new (planned for creation)
  spool.addPage(
    [
      { anchor: 'u-old', kind: 'unchanged', payload: { kind: 'unchanged', anchor: 'u-old', dn: userDn('old') } },
      { anchor: 'u-new', kind: 'create', payload: { kind: 'create', anchor: 'u-new', dn: userDn('new'), login: 'new@x.test' } },
    ],
    ['u-old', 'u-new'],
  );
});

afterEach(() => {
  groupPlan?.spool?.close();
  groupPlan = undefined;
  spool.close();
  state.close();
  rmSync(dir, { recursive: true, force: true });
});

const okta = (type: OktaGroup['type'], id: string, name: string, description: string | null = null): OktaGroup => ({ id, type, name, description });

async function plan(groups: SourceGroup[]): Promise<GroupPlan> {
  groupPlan = await planGroups({ config, source: source(groups), state, spool, log: silentLogger });
  return groupPlan;
}

const scenario = () => [
  group('Sales Team', [userDn('new')], 'g-Sales', 'Sales people'), // renamed; old leaves, new joins
  group('Eng', [userDn('old'), userDn('new')]), // an OKTA_GROUP "eng" exists: taken over
  group('Finance', [userDn('old')]), // an APP_GROUP has the name: quarantined at first contact
  group('Ops', [userDn('new')]), // created
  group('Legacy', [userDn('old')], 'g-Legacy2'), // recreated in the directory: takes over 00gL from g-Legacy
  group(null, [userDn('old')], 'g-nameless'), // no name: quarantined by the plan
];

test('the plan summary counts what the tables then list', async () => {
  expect((await plan(scenario())).summary).toEqual({ read: 6, creates: 4, updates: 1, memberAdds: 6, memberRemoves: 2, memberDrift: 0, quarantined: 1 });
});

test('tables: group changes with their action and member counts, the members, the quarantined groups', async () => {
  const p = await plan(scenario());
  const fc = lookUpFirstContacts(p, state, { limit: 200 });
  expect([...fc.keys()].sort()).toEqual(['g-Eng', 'g-Finance', 'g-Legacy2', 'g-Ops']);
  const text = [...formatGroupPlan(p, state, 200, fc)].join('\n');
  const line = (re: RegExp) => text.split('\n').find((l) => re.test(l));

  expect(text).toContain('Group changes (5):');
  expect(line(/^Sales Team\s/)).toMatch(/rename "Sales" → "Sales Team"\s+1\s+1\s+cn=Sales Team,ou=groups,dc=x$/);
  // taken over, and its profile made what the templates say
  expect(line(/^Eng\s/)).toMatch(/take over 00gE \("eng"\); rename "eng" → "Eng"; description "made by hand" → ∅\s+2\s+0\s+cn=Eng,/);
  expect(line(/^Ops\s/)).toMatch(/create\s+1\s+0\s+cn=Ops,/);
  expect(line(/^Legacy\s/)).toMatch(/take over 00gL \("Legacy"\)\s+1\s+0/);
  expect(line(/^Temp\s/)).toMatch(/left the directory: remove the agent's memberships, keep the Okta group\s+0\s+1\s+cn=Temp,/);

  expect(text).toContain('Group members to add (+) or remove (-) (7):');
  expect(line(/^Sales Team\s+\+/)).toMatch(/\+\s+new@x\.test\s+uid=new,ou=people,dc=x$/);
  expect(line(/^Sales Team\s+-/)).toMatch(/-\s+old@x\.test\s+uid=old,ou=people,dc=x$/);
  expect(line(/^Temp\s+-/)).toMatch(/old@x\.test/);
  expect(text).not.toMatch(/^Finance\s+\+/m); // no member of a quarantined group is listed

  expect(text).toContain('Quarantined groups (2):');
  expect(line(/^cn=Finance/)).toMatch(/an Okta APP_GROUP named "Finance" \(00gF\) exists/);
  expect(line(/^cn=nameless/)).toMatch(/the name template "\{cn\}" gives no value/);
});

test('a description change alone shows old → new description', async () => {
  const p = await plan([group('Sales', [userDn('old')], 'g-Sales', 'Sellers')]);
  const text = [...formatGroupPlan(p, state, 200)].join('\n');
  expect(text).toMatch(/^Sales\s+description "Sales people" → "Sellers"\s+0\s+0/m);
});

test('without first contact decided (beyond the limit), a new group is "create or take over"', async () => {
  const p = await plan([group('Ops', [userDn('new')])]);
  const none = [...formatGroupPlan(p, state, 200)].join('\n');
  expect(none).toMatch(/^Ops\s+create or take over\s+1\s+0/m);
  const text = [...formatGroupPlan(p, state, 200, lookUpFirstContacts(p, state, { limit: 200 }))].join('\n');
  expect(text).toMatch(/^Ops\s+create\s+1\s+0/m);
});

test('the limit bounds the rows and the first contacts decided', async () => {
  const p = await plan(Array.from({ length: 5 }, (_, i) => group(`G${i}`, [userDn('new')])));
  const fc = lookUpFirstContacts(p, state, { limit: 2 });
  expect(fc.size).toBe(2);
  const text = [...formatGroupPlan(p, state, 2, fc)].join('\n');
  // 5 creates, and Sales and Temp, which are not in the directory this time
  expect(text).toContain('Group changes (7, first 2 shown; --json for all):');
  expect(text).toContain('Group members to add (+) or remove (-) (7, first 2 shown; --json for all):');
});

test("JSON: every group with its action, counts and members; appended to the users' plan document", async () => {
  const p = await plan(scenario());
  const fc = lookUpFirstContacts(p, state, { limit: 200 });
  const users = ['{"mode":"full","counts":{"create":1},"actions":[', '\n{"kind":"create"}', '\n]}\n'];
  const doc = JSON.parse([...withJsonMember(users, groupPlanJson(p, state, fc))].join(''));
  expect(doc.actions).toEqual([{ kind: 'create' }]);
  const byName = Object.fromEntries(doc.groupActions.map((g: { name: string | null; dn: string }) => [g.name ?? g.dn, g]));
  expect(Object.keys(byName).sort()).toEqual(['Eng', 'Finance', 'Legacy', 'Ops', 'Sales Team', 'Temp', groupDn('nameless')].sort());
  expect(byName['Sales Team']).toEqual({
    dn: groupDn('Sales Team'),
    name: 'Sales Team',
    description: 'Sales people',
    action: 'rename',
    oktaId: '00gS',
    from: { name: 'Sales', description: 'Sales people' },
    add: 1,
    remove: 1,
    members: { add: [{ login: 'new@x.test', dn: userDn('new') }], remove: [{ login: 'old@x.test', dn: userDn('old') }] },
  });
  expect(byName.Eng).toMatchObject({ action: 'take over', oktaId: '00gE', from: { name: 'eng', description: 'made by hand' }, add: 2, remove: 0 });
  expect(byName.Finance).toMatchObject({ action: 'quarantine', reason: expect.stringContaining('APP_GROUP'), add: 0, members: { add: [], remove: [] } });
  expect(byName.Temp).toMatchObject({ action: 'left the directory', oktaId: '00gT', add: 0, remove: 1 });
  expect(byName[groupDn('nameless')]).toMatchObject({ action: 'quarantine', name: null });
});

test('withJsonMember refuses a document that is not an object', () => {
  expect(() => [...withJsonMember(['[1,2]'], ['"x":1'])]).toThrow(/not a JSON object/);
});
