/**
 * Forecast from a sample: the manifest and record comments read back from a sample file, counts
 * per stratum scaled by the weights, and the plan's forecast (requests per bucket, time under the
 * share; its own tests: test/unit/sync/forecast.test.ts) of the scaled counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ldifRecord } from '../../../src/directory/ldif/writer';
import { preflightForecastCounts, SampleScale, scaleCounts, StratumTally } from '../../../src/sample/forecast';
import { manifestHeader, readSample, recordComment, type SampleManifest } from '../../../src/sample/manifest';
import { StateStore } from '../../../src/state/store';
import type { Assessment } from '../../../src/inspect/preflight';

const dir = mkdtempSync(join(tmpdir(), 'los-forecast-'));
const stores: StateStore[] = [];
afterAll(() => {
  stores.forEach((s) => s.close());
  rmSync(dir, { recursive: true, force: true });
});

const manifest: SampleManifest = {
  format: 1,
  percent: 25,
  keyId: '0123456789abcdef',
  suffix: 'dc=qz,dc=invalid',
  baseDns: { users: ['ou=p,dc=qz,dc=invalid'], groups: [] },
  users: { directory: 10, sample: 3 },
  groups: { directory: 0, sample: 0 },
};
const strata = [
  { id: 1, signature: 'fate:create', directory: 8, sample: 2, weight: 4, merged: [] },
  { id: 2, signature: 'fate:quarantine validate.required', directory: 2, sample: 1, weight: 2, merged: [] },
];

function sampleFile(): string {
  const file = join(dir, 'sample.ldif');
  const user = (uid: string, anchor: string, stratum: number) =>
    ldifRecord({ dn: `uid=${uid},ou=p,dc=qz,dc=invalid`, attributes: [['uid', [uid]]], comment: recordComment(stratum, anchor) });
  writeFileSync(file, manifestHeader(manifest, strata) + user('ab', 'anchor-1', 1) + user('cd', 'anchor-2', 1) + user('Ünï', 'anchor-3', 2));
  return file;
}

test('a sample file says what it is: its manifest, its strata, each record with its stratum, anchor and DN', async () => {
  const rows: unknown[] = [];
  const read = await readSample(sampleFile(), (r) => rows.push(...r));
  expect(read.manifest).toEqual(manifest);
  expect(read.strata).toEqual(strata.map(({ merged: _m, ...s }) => s));
  expect(rows).toEqual([
    { stratum: 1, anchor: 'anchor-1', dnNorm: 'uid=ab,ou=p,dc=qz,dc=invalid' },
    { stratum: 1, anchor: 'anchor-2', dnNorm: 'uid=cd,ou=p,dc=qz,dc=invalid' },
    { stratum: 2, anchor: 'anchor-3', dnNorm: 'uid=ünï,ou=p,dc=qz,dc=invalid' }, // a base64 DN
  ]);
  const other = join(dir, 'other.ldif');
  writeFileSync(other, 'dn: uid=x\nuid: x\n');
  await expect(readSample(other, () => undefined)).rejects.toThrow(/not a sample/);
});

test('counts per stratum times the weights; records the sample does not list count for themselves', () => {
  const tally = new StratumTally();
  tally.add(1, 'create', 2);
  tally.add(2, 'quarantine');
  tally.add(0, 'create');
  expect(
    scaleCounts(
      tally.byStratum,
      new Map([
        [1, 4],
        [2, 2.5],
      ]),
    ),
  ).toEqual({ create: 9, quarantine: 3 });
  expect(tally.totals()).toEqual({ create: 3, quarantine: 1 });
});

test('a preflight over the sample forecasts the directory: outcomes, problems, requests per bucket, time at the share', async () => {
  const store = StateStore.open(':memory:', { readonly: true });
  stores.push(store);
  const scale = await SampleScale.load(sampleFile(), store.sampleWeights());
  const a = (fate: Assessment['fate'], ...types: string[]): Assessment => ({
    fate,
    login: null,
    problems: types.map((type) => ({ type: type as Assessment['problems'][number]['type'], severity: 'warning', step: 's', attribute: null, message: '' })),
  });
  scale.onPreflightRecord(null, { anchor: 'anchor-1', dn: 'x' }, a('create', 'phone.invalid', 'phone.invalid'));
  scale.onPreflightRecord(null, { anchor: 'moved', dn: 'UID=cd, ou=p,dc=qz,dc=invalid' }, a('create')); // found by DN
  scale.onPreflightRecord(null, { anchor: 'anchor-3', dn: 'x' }, a('quarantine', 'validate.required'));
  scale.onPreflightRecord(null, { anchor: 'new', dn: 'uid=new' }, a('create')); // not in the sample
  const f = scale.forecast({ counts: preflightForecastCounts, limits: {}, share: 0.5 });
  expect(f.matched).toBe(3);
  expect(f.unmatched).toBe(1);
  const rows = Object.fromEntries(f.rows.map((r) => [r.key, [r.sample, r.forecast]]));
  expect(rows).toEqual({ users: [4, 11], create: [3, 9], quarantine: [1, 2], 'problem:phone.invalid': [1, 4], 'problem:validate.required': [1, 2] });
  // the whole directory's 9 creates at half of Okta's default 600 a minute
  expect(f.requests.buckets.map((b) => [b.bucket, b.requests, b.limit, b.limitSeenAt])).toEqual([['users', 9, 600, null]]);
  expect(f.requests.seconds).toBeCloseTo((9 / 300) * 60, 9);
});

test("a preflight's outcomes cost what applying them costs: a link (known from the mirror) is an update of what differs", () => {
  expect(preflightForecastCounts({ create: 10, link: 2, update: 5, lifecycle: 3, quarantine: 7, unchanged: 100 })).toEqual({
    creates: 10,
    updates: 7,
    statusChanges: 3,
    groupCreates: 0,
    groupRenames: 0,
    memberAdds: 0,
    memberRemoves: 0,
  });
});
