/** Collecting assessments in bounded memory: counts, examples, CSV rows as they come; and the text report. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PreflightCollector } from '../../../../src/inspect/preflight/collector';
import { CsvFileWriter } from '../../../../src/output/csv';
import { CSV_HEADER, type PreflightReport, type Problem } from '../../../../src/inspect/preflight/model';
import { formatPreflight, preflightJson } from '../../../../src/output/preflight';
import type { Assessment } from '../../../../src/inspect/preflight/categorize';

const dir = mkdtempSync(join(tmpdir(), 'los-collector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const p = (type: Problem['type'], severity: Problem['severity'], extra: Partial<Problem> = {}): Problem => ({
  type,
  severity,
  step: 'clean',
  attribute: 'primaryPhone',
  message: `${type}!`,
  ...extra,
});
const rec = (i: number) => ({ anchor: `a${i}`, dn: `uid=u${i},ou=people,dc=example,dc=com` });

function feed(c: PreflightCollector): void {
  for (let i = 0; i < 100; i++) {
    const problems: Problem[] = [];
    let fate: Assessment['fate'] = 'create';
    if (i % 2 === 0) problems.push(p('phone.normalized', 'fixed', { before: '415 555 0100', after: '+14155550100' }));
    if (i % 5 === 0)
      problems.push(
        p('phone.invalid', 'dropped', { before: 'n/a', after: null }),
        p('phone.invalid', 'dropped', { attribute: 'mobilePhone', before: '-', after: null }),
      );
    if (i % 10 === 3) {
      fate = 'quarantine';
      problems.push(p('validate.required', 'quarantine', { step: 'checks', attribute: 'email', before: null, message: 'email is required' }));
    }
    if (i === 99) {
      fate = 'skip';
      problems.splice(0, problems.length, p('skipped', 'skip', { step: 'service-accounts', attribute: null, message: 'service account' }));
    }
    if (i === 98) {
      fate = 'link';
      problems.push(
        p('okta.conflict', 'resolved', { step: 'okta', attribute: 'login', before: 'u98@example.com', message: 'held by Okta user 00u9 (ACTIVE)' }),
      );
    }
    c.add(rec(i), { fate, login: `u${i}@example.com`, problems }, i === 98 ? 'ACTIVE' : undefined);
  }
}

test('counts records and values per type, by severity; keeps the first N examples; steps that quarantine and skip', () => {
  const c = new PreflightCollector({ examples: 3 });
  feed(c);
  const s = c.summary();
  expect(s.records).toMatchObject({ read: 100, create: 88, quarantine: 10, skip: 1, link: 1 });
  const t = Object.fromEntries(s.problems.map((x) => [x.type, x]));
  expect(t['phone.invalid']).toMatchObject({ records: 20, occurrences: 40, bySeverity: { dropped: 40 } });
  expect(t['validate.required']).toMatchObject({ records: 10, occurrences: 10, bySeverity: { quarantine: 10 } });
  expect(t['phone.normalized']).toMatchObject({ records: 50, occurrences: 50, bySeverity: { fixed: 50 } });
  expect(t['phone.invalid'].examples).toEqual([
    {
      dn: rec(0).dn,
      anchor: 'a0',
      login: 'u0@example.com',
      severity: 'dropped',
      step: 'clean',
      attribute: 'primaryPhone',
      before: 'n/a',
      after: null,
      message: 'phone.invalid!',
    },
    {
      dn: rec(0).dn,
      anchor: 'a0',
      login: 'u0@example.com',
      severity: 'dropped',
      step: 'clean',
      attribute: 'mobilePhone',
      before: '-',
      after: null,
      message: 'phone.invalid!',
    },
    expect.objectContaining({ dn: rec(5).dn, attribute: 'primaryPhone' }),
  ]);
  expect(s.problems.map((x) => x.type)).toEqual(['validate.required', 'skipped', 'phone.invalid', 'okta.conflict', 'phone.normalized']);
  expect(s.quarantinedByStep).toEqual([{ step: 'checks', records: 10 }]);
  expect(s.skippedByStep).toEqual([{ step: 'service-accounts', records: 1 }]);
  expect(s.oktaConflicts).toEqual({ total: 1, link: 1, quarantine: 0, byStatus: { ACTIVE: 1 } });
});

test('every problem goes to the CSV as it comes; fixes only when asked for', () => {
  for (const fixes of [false, true]) {
    const path = join(dir, `p-${fixes}.csv`);
    const csv = new CsvFileWriter(path, CSV_HEADER);
    const c = new PreflightCollector({ examples: 1, csv, csvFixes: fixes });
    feed(c);
    csv.close();
    const rows = parse<Record<string, string>>(readFileSync(path, 'utf8'), { bom: true, columns: true });
    expect(rows).toHaveLength(40 + 10 + 1 + 1 + (fixes ? 50 : 0));
    expect(rows.filter((r) => r.problem === 'phone.normalized')).toHaveLength(fixes ? 50 : 0);
    expect(rows.find((r) => r.problem === 'phone.invalid' && r.attribute === 'mobilePhone')).toEqual({
      dn: rec(0).dn,
      anchor: 'a0',
      login: 'u0@example.com',
      outcome: 'create',
      problem: 'phone.invalid',
      severity: 'dropped',
      step: 'clean',
      attribute: 'mobilePhone',
      before: "'-",
      after: '',
      message: 'phone.invalid!',
    });
  }
});

test('the text report: what a sync would do, problems with their effect, fixes apart, examples with before → after', () => {
  const c = new PreflightCollector({ examples: 2 });
  feed(c);
  const report: PreflightReport = {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1234,
    source: { id: 'ldap://dc1 ou=people', entriesRead: 101 },
    state: { path: '/var/lib/x/state.db', exists: false, users: 0, linked: 0 },
    okta: { orgUrl: 'https://corp.okta.com', match: 'login', requests: 1, writes: 0, rateLimited: 0, mirror: { users: 90, full: true } },
    ...c.summary(),
    csv: { path: '/tmp/p.csv', rows: 52, includesFixes: false },
  };
  const text = formatPreflight(report);
  expect(text).toContain('Preflight of ldap://dc1 ou=people: 100 users read (101 directory entries), no state yet (/var/lib/x/state.db).');
  expect(text).toContain(
    "Okta https://corp.okta.com read, nothing written: 1 requests (0 writes) refreshed a copy of the agent's mirror of Okta (90 users read, every user); okta.match: login.",
  );
  expect(text).toContain('Nothing was written to Okta or to the state.');
  expect(text).toMatch(/would be created\s+88\n/);
  expect(text).toMatch(/would be linked to the Okta user its okta.match rules find\s+1\n/);
  expect(text).toMatch(/missing required attribute\s+validate\.required\s+10\s+10\s+quarantine 10\n/);
  expect(text).toMatch(/invalid phone number\s+phone\.invalid\s+20\s+40\s+dropped 40\n/);
  expect(text).toMatch(/fixed automatically \(not problems\)\s+type\s+records\s+values\n[- ]+\nphone number rewritten to E\.164\s+phone\.normalized\s+50\s+50/);
  expect(text).toContain('Quarantined by step: checks 10');
  expect(text).toContain('Skipped by rule: service-accounts 1');
  expect(text).toContain('New records meeting an existing Okta user: 1 (would be linked 1, quarantined 0); Okta status: ACTIVE 1');
  expect(text).toMatch(/invalid phone number \(phone\.invalid\): 20 records\n\s+dn\s+attribute\s+before → after\s+detail/);
  expect(text).toContain('"n/a" → ∅ (dropped)');
  expect(text).toContain('"415 555 0100" → "+14155550100"');
  expect(text).toContain('CSV: 52 problem rows written to /tmp/p.csv.');
  expect(JSON.parse(preflightJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
});
