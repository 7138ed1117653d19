/**
 * `explain` after a sync, against a real slapd and the simulator: by anchor, by login, by DN;
 * source values → each step → the final profile and what the next sync would send; the state and
 * what the last run did. A key that matches nothing (an LDAP filter injection attempt included)
 * exits 9, one that matches several users exits 10. Nothing is written to Okta or to the state.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cli, sync } from '../../helpers/agent';
import type { Explanation } from '../../../src/inspect/explain';
import { startFixture, type Fixture } from './setup';

let f: Fixture;
let aliceAnchor: string;
let aliceOktaId: string;

beforeAll(async () => {
  f = await startFixture('explain');
  const first = await sync(f.config);
  expect(first.code).toBe(6); // Bob and the held people are quarantined
  const s = f.stateStore();
  const alice = s.users.find('alice.archer@example.com')!;
  s.close();
  aliceAnchor = alice.anchor;
  aliceOktaId = alice.oktaId!;
});
afterAll(async () => {
  await f?.close();
});

async function explain(...args: string[]) {
  const hash = f.hashState();
  f.sim.requests.reset();
  const r = await cli('explain', '-c', f.config, ...args);
  expect(f.sim.requests.writes()).toEqual([]);
  expect(f.hashState()).toBe(hash);
  return r;
}

test('by login (a login the state knows; the directory finds the same entry by mail): source values, every step, the profile, the state, the last run', async () => {
  const r = await explain('alice.archer@example.com');
  expect(r.code).toBe(0);
  const out = r.out;
  expect(out).toContain(`User ${f.dn('Alice Archer')}`);
  expect(out).toMatch(new RegExp(`anchor\\s+${aliceAnchor}`));
  expect(out).toMatch(/found in\s+directory and state/);
  // source values, as the directory has them
  expect(out).toMatch(/mail\s+"Alice\.Archer@Example\.com"/);
  expect(out).toMatch(/telephonenumber\s+"\(415\) 555-0101"/);
  // each step with what it changed
  expect(out).toMatch(/1\. attributes \(map\)\n\s+firstName\s+∅ → "Alice"\n\s+lastName\s+∅ → "Archer"\n\s+email\s+∅ → "Alice\.Archer@Example\.com"/);
  expect(out).toMatch(/title\s+∅ → "Senior Engineer"/);
  expect(out).toMatch(
    /2\. clean \(normalize\)\n\s+email\s+"Alice\.Archer@Example\.com" → "alice\.archer@example\.com"\n\s+primaryPhone\s+"\(415\) 555-0101" → "\+14155550101"/,
  );
  expect(out).toMatch(/! email\.normalized email: "Alice\.Archer@Example\.com" → "alice\.archer@example\.com"/);
  expect(out).toMatch(/3\. checks \(validate\): no change/);
  expect(out).toMatch(/4\. login \(username\)\n\s+login\s+∅ → "alice\.archer@example\.com"/);
  expect(out).toMatch(/5\. holds \(hook\): no change/);
  expect(out).toContain('Outcome: ok, login alice.archer@example.com');
  // the final profile next to what Okta has from the agent: nothing differs after the sync
  expect(out).toMatch(/primaryPhone\s+"\+14155550101"\s+"\+14155550101"\n/);
  expect(out).toContain('Next sync: nothing to send: Okta has this profile');
  expect(out).toMatch(new RegExp(`Okta user\\s+${aliceOktaId} \\((ACTIVE|PROVISIONED)\\), created by the agent`));
  expect(out).toMatch(/last seen\s+run 1/);
  expect(out).toMatch(/quarantine\s+no\n/);
  expect(out).toMatch(new RegExp(`Last run: run 1 \\(full, quarantined, started [0-9T:.-]+Z\\): created it in Okta \\(${aliceOktaId}\\)\\.`));
});

test('by DN after the directory changed: the diff against the profile last applied is what the next sync sends; --json by anchor says the same', async () => {
  await f.ldap.modify(f.dn('Alice Archer'), { replace: { title: 'Staff Engineer', telephoneNumber: 'call reception' } });
  const r = await explain(f.dn('Alice Archer'));
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/found in\s+directory and state/);
  expect(r.out).toMatch(/! phone\.invalid primaryPhone: "call reception" → ∅ \('call reception': not a phone number \(dropped\)\)/);
  expect(r.out).toMatch(/title\s+"Staff Engineer"\s+"Senior Engineer"\s+changed/);
  expect(r.out).toMatch(/primaryPhone\s+∅\s+"\+14155550101"\s+cleared/);
  expect(r.out).toContain(`Next sync: update 2 attributes of Okta user ${aliceOktaId} (primaryPhone, title)`);
  expect(r.out).toMatch(/primaryPhone\s+"\+14155550101" → ∅\n\s+title\s+"Senior Engineer" → "Staff Engineer"/);

  const j = await explain(aliceAnchor, '--json');
  expect(j.code).toBe(0);
  const x = JSON.parse(j.out) as Explanation;
  expect(x).toMatchObject({
    kind: 'found',
    key: aliceAnchor,
    anchor: aliceAnchor,
    dn: f.dn('Alice Archer'),
    inDirectory: true,
    disabled: false,
    outcome: { kind: 'ok', login: 'alice.archer@example.com' },
    next: {
      action: 'update',
      changes: [
        { attribute: 'primaryPhone', before: '+14155550101', after: null },
        { attribute: 'title', before: 'Senior Engineer', after: 'Staff Engineer' },
      ],
    },
    state: { oktaId: aliceOktaId, link: 'created', login: 'alice.archer@example.com', quarantine: null, missingRuns: 0, lifecycleReason: null },
    lastRun: { id: 1, mode: 'full', outcome: 'quarantined', did: `created it in Okta (${aliceOktaId})` },
  });
  expect(x.foundIn.sort()).toEqual(['directory', 'state']);
  expect(x.steps.map((s) => [s.step, s.kind])).toEqual([
    ['attributes', 'map'],
    ['clean', 'normalize'],
    ['checks', 'validate'],
    ['login', 'username'],
    ['holds', 'hook'],
  ]);
  expect(x.steps[1].findings.map((fi) => fi.type)).toEqual(['email.normalized', 'phone.invalid']);
  expect(x.source.title).toEqual(['Staff Engineer']);
  expect(x.profile).not.toHaveProperty('primaryPhone'); // dropped: cleared in Okta
  expect(x.applied).toMatchObject({ primaryPhone: '+14155550101', title: 'Senior Engineer' });
  // by the Okta user id too (the state knows it; the directory entry is read by anchor)
  const byId = JSON.parse((await explain(aliceOktaId, '--json')).out) as Explanation;
  expect(byId).toMatchObject({ anchor: aliceAnchor, inDirectory: true, foundIn: ['state'] });
  await f.ldap.modify(f.dn('Alice Archer'), { replace: { title: '  Senior   Engineer ', telephoneNumber: '(415) 555-0101' } });
});

test('a quarantined record: the step that stopped it, the reason, and that the last run quarantined it', async () => {
  const r = await explain(f.dn('Bob Baker'));
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/3\. checks \(validate\): quarantined the record here\n\s+! validate\.required email: ∅ \(email is required\)/);
  expect(r.out).toContain('Outcome: quarantine at step checks: email is required');
  expect(r.out).toContain('Next sync: quarantine it at step checks: email is required (nothing is sent to Okta)');
  expect(r.out).not.toMatch(/4\. login/); // the steps after it did not run
  expect(r.out).toMatch(/Okta user\s+not in Okta/);
  expect(r.out).toMatch(/quarantine\s+at step checks \(run 1\): email is required/);
  expect(r.out).toMatch(/Last run: run 1 .*: quarantined it at step checks: email is required\./);

  // a held record: the hook's reason, a directory value, is shown as it is
  const held = await explain('hold1');
  expect(held.code).toBe(0);
  expect(held.out).toContain('Outcome: quarantine at step holds: =HYPERLINK("http://evil.example/","fix me")');
});

test('a user the directory has but no run linked yet: no state, the whole profile would be created', async () => {
  await f.ldap.add([
    {
      dn: f.dn('Erin Evans'),
      attributes: { objectClass: ['inetOrgPerson'], cn: 'Erin Evans', uid: 'eevans', givenName: 'Erin', sn: 'Evans', mail: 'erin.evans@example.com' },
    },
  ]);
  const r = await explain('eevans', '--json');
  expect(r.code).toBe(0);
  const x = JSON.parse(r.out) as Explanation;
  expect(x).toMatchObject({
    foundIn: ['directory'],
    state: null,
    applied: null,
    next: { action: 'create' },
    lastRun: { id: 1, did: expect.stringMatching(/^nothing recorded for this user/) },
  });
  expect(x.next!.changes.map((c) => c.attribute)).toEqual(['email', 'firstName', 'lastName', 'login']);
  const text = await explain('eevans');
  expect(text.out).toContain('Next sync: create the Okta user erin.evans@example.com');
  expect(text.out).toContain('not known to the agent');
  await f.ldap.del(f.dn('Erin Evans'));
});

test('a key that matches nothing exits 9; an LDAP filter injection attempt matches nothing either', async () => {
  for (const key of ['nobody@example.com', '*)(uid=*', '*', 'aarcher)(|(uid=*', `cn=Nobody,${f.ou}`]) {
    const r = await explain(key);
    expect({ key, code: r.code }).toEqual({ key, code: 9 });
    expect(r.out).toBe('');
    expect(r.err).toContain(`no user matches ${JSON.stringify(key)}`);
  }
  const j = await explain('*)(uid=*', '--json');
  expect(j.code).toBe(9);
  expect(JSON.parse(j.out)).toEqual({ kind: 'not-found', key: '*)(uid=*' });
});

test('a key that matches several users exits 10 and lists them; the DN of one of them explains it', async () => {
  const r = await explain('Pat Smith');
  expect(r.code).toBe(10);
  expect(r.out).toBe('');
  expect(r.err).toContain('"Pat Smith" matches 2 users; name one by its anchor or DN');
  expect(r.err).toContain(`uid=psmith1,${f.ou}`);
  expect(r.err).toContain(`uid=psmith2,${f.ou}`);
  const one = await explain(`uid=psmith2,${f.ou}`);
  expect(one.code).toBe(0);
  expect(one.out).toContain('Outcome: ok, login psmith2@example.com');
});

test('a user gone from the directory is explained from the state', async () => {
  await f.ldap.del(f.dn('Dave Dunn'));
  const r = await explain('ddunn@example.com');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/found in\s+state/);
  expect(r.out).toMatch(/directory\s+not in the directory/);
  expect(r.out).toContain('Profile last applied in Okta:');
  expect(r.out).toContain('Next sync: counts it missing from the directory');
});

test("Okta refuses the token while the username step checks the login: exit 5, Okta's error code", async () => {
  const revoked = f.config.replace(/\.yaml$/, '-revoked.yaml');
  writeFileSync(revoked, readFileSync(f.config, 'utf8').replace(/token: \$\{env:[A-Z0-9_]+\}/, 'token: ${env:LOS_EXPLAIN_REVOKED}'));
  process.env.LOS_EXPLAIN_REVOKED = 'revoked-token-456';
  const r = await cli('explain', '-c', revoked, 'psmith1');
  delete process.env.LOS_EXPLAIN_REVOKED;
  expect(r.code).toBe(5);
  expect(r.err).toMatch(/Okta authentication error: .*E0000011/);
  expect(r.err).not.toContain('revoked-token-456');
});
