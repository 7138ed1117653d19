/**
 * `quarantine` after syncs with quarantined records (a missing e-mail, a hook holding people with a
 * reason taken from the directory, a linked user whose entry broke): the table, JSON and CSV
 * listings, filtering by step and sorting; the CSV neutralises cells a spreadsheet would run as
 * formulas. A fixed record leaves the listing by itself at the next run.
 */
import { existsSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { cli, sync } from '../../helpers/agent';
import type { QuarantineEntry } from '../../../src/cli/commands/quarantine';
import { FORMULAS, startFixture, type Fixture } from './setup';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture('quarantine');
});
afterAll(async () => {
  await f?.close();
});

interface Listing {
  statePath: string;
  total: number;
  steps: Record<string, number>;
  records: QuarantineEntry[];
}

async function listing(...args: string[]): Promise<Listing> {
  const r = await cli('quarantine', '-c', f.config, '--json', ...args);
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Listing;
}

test('before any run: nothing in quarantine, and no state file is created', async () => {
  const r = await cli('quarantine', '-c', f.config);
  expect(r.code).toBe(0);
  expect(r.out).toContain('No records in quarantine');
  expect(existsSync(f.state)).toBe(false);
});

test('after syncs: table, JSON and CSV list DN, anchor, login, step, reason, since when, and whether the user is in Okta', async () => {
  expect((await sync(f.config)).code).toBe(6);
  // Carol was created; then her entry loses its givenName: quarantined while linked, her Okta user left as it is
  await f.ldap.modify(f.dn('Carol Clark'), { delete: { givenName: null } });
  const second = await sync(f.config);
  expect(second.code).toBe(6);
  const hash = f.hashState();

  const j = await listing();
  expect(j.total).toBe(6);
  expect(j.steps).toEqual({ checks: 2, holds: 4 });
  const bob = j.records.find((e) => e.dn === f.dn('Bob Baker'))!;
  expect(bob).toMatchObject({ step: 'checks', reason: 'email is required', run: 2, linked: false, oktaId: null, login: null });
  const s = f.stateStore();
  const runs = s.runs.latest(2);
  const bobRow = s.users.find(f.dn('Bob Baker'))!;
  const carolRow = s.users.find(f.dn('Carol Clark'))!;
  s.close();
  expect(bob.since).toBe(bobRow.createdAt); // quarantined since the first run
  expect(bob.since! < runs[0].startedAt).toBe(true);
  const carol = j.records.find((e) => e.dn === f.dn('Carol Clark'))!;
  expect(carol).toMatchObject({
    anchor: carolRow.anchor,
    step: 'checks',
    reason: 'firstName is required',
    run: 2,
    runStartedAt: runs[0].startedAt,
    linked: true,
    oktaId: carolRow.oktaId,
    login: 'cclark@example.com',
    link: 'created',
    since: carolRow.quarantine!.since, // kept while the record stays in quarantine
  });
  expect(carol.since! >= runs[0].startedAt).toBe(true);
  expect(
    j.records
      .filter((e) => e.step === 'holds')
      .map((e) => e.reason)
      .sort(),
  ).toEqual([...FORMULAS].sort());
  // default order: last run first, then DN
  expect(j.records.map((e) => e.dn)).toEqual([...j.records].sort((a, b) => b.run - a.run || a.dn.localeCompare(b.dn)).map((e) => e.dn));

  const text = await cli('quarantine', '-c', f.config);
  expect(text.code).toBe(0);
  if (process.env.SHOW_OUTPUT) console.log(text.out);
  expect(text.out).toContain('6 records in quarantine (by step: holds 4, checks 2); 1 already in Okta (left as they are until fixed).');
  expect(text.out).toMatch(/dn\s+anchor\s+login\s+step\s+reason\s+last run\s+since \(UTC\)\s+in Okta/);
  expect(text.out).toMatch(
    new RegExp(
      `cn=Carol Clark,ou=quarantine,dc=example,dc=com\\s+${carolRow.anchor}\\s+cclark@example.com\\s+checks\\s+firstName is required\\s+2\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+yes \\(${carolRow.oktaId}, \\w+\\)`,
    ),
  );
  expect(text.out).toMatch(
    new RegExp(
      `cn=Bob Baker,ou=quarantine,dc=example,dc=com\\s+${bobRow.anchor}\\s+checks\\s+email is required\\s+2\\s+${bobRow.createdAt.replace('T', ' ').slice(0, 16)}\\s+no`,
    ),
  );
  expect(text.out).toContain('retried every run and leave quarantine by themselves once the source is fixed');

  // CSV: one row per record, quoted where needed, formulas neutralised
  const csv = await cli('quarantine', '-c', f.config, '--csv');
  expect(csv.code).toBe(0);
  expect(csv.out.startsWith('\uFEFFdn,anchor,login,step,reason,last run,')).toBe(true);
  for (const formula of FORMULAS) expect(csv.out).not.toMatch(new RegExp(`(^|,)${formula.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  expect(csv.out).toContain('"\'=HYPERLINK(""http://evil.example/"",""fix me"")"');
  const rows = parse<Record<string, string>>(csv.out, { bom: true, columns: true });
  expect(rows).toHaveLength(6);
  expect(
    rows
      .filter((r) => r.step === 'holds')
      .map((r) => r.reason)
      .sort(),
  ).toEqual(FORMULAS.map((x) => `'${x}`).sort());
  for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@]/);
  // DNs with a comma come back whole
  expect(rows.map((r) => r.dn).sort()).toEqual(j.records.map((e) => e.dn).sort());
  // (slapd returns the comma of these CNs hex-escaped)
  const holdDn = (i: number) => `cn=Hold\\2C Number ${i},${f.ou}`;
  expect(
    rows
      .filter((r) => r.step === 'holds')
      .map((r) => r.dn)
      .sort(),
  ).toEqual([1, 2, 3, 4].map(holdDn));
  expect(rows.find((r) => r.dn === f.dn('Carol Clark'))).toMatchObject({ 'in Okta': 'yes', 'Okta id': carolRow.oktaId!, login: 'cclark@example.com' });

  // filtered by step, sorted by DN
  const holds = await listing('--step', 'holds', '--sort', 'dn');
  expect(holds.records.map((e) => e.dn)).toEqual([1, 2, 3, 4].map(holdDn));
  const both = await listing('--step', 'checks', '--step', 'nonexistent');
  expect(both.records.map((e) => e.dn).sort()).toEqual([f.dn('Bob Baker'), f.dn('Carol Clark')].sort());
  const none = await cli('quarantine', '-c', f.config, '--step', 'nonexistent');
  expect(none.out).toContain('No records in quarantine at step nonexistent');
  const bySince = await listing('--sort', 'since');
  expect(bySince.records.map((e) => e.since)).toEqual([...bySince.records.map((e) => e.since)].sort());
  expect(f.hashState()).toBe(hash); // listing writes nothing

  const bad = await cli('quarantine', '-c', f.config, '--sort', 'colour');
  expect(bad.code).toBe(2);
});

test('fixed at the source: the records leave quarantine by themselves at the next run', async () => {
  await f.ldap.modify(f.dn('Bob Baker'), { replace: { mail: 'bbaker@example.com' } });
  await f.ldap.modify(f.dn('Carol Clark'), { replace: { givenName: 'Carol' } });
  await sync(f.config);
  const j = await listing();
  expect(j.records.map((e) => e.step)).toEqual(['holds', 'holds', 'holds', 'holds']);
});
