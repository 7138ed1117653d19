/**
 * The sample's temp tables: duplicates tied into units, selection by rank inside a stratum,
 * coverage of every dimension, groups kept when a member is sampled (also through nesting),
 * references resolved (a stand-in for an unsampled user, the same for every reference to it),
 * the containers above what is sampled; and a sample's records looked up for a forecast.
 */
import { StateStore, type SampleRecordRow } from '../../../src/state/store';

const stores: StateStore[] = [];
afterAll(() => stores.forEach((s) => s.close()));

function spool() {
  const store = StateStore.open(':memory:', { readonly: true });
  stores.push(store);
  return store.sampleSpool();
}

const row = (n: number, dims: string[], extra: Partial<SampleRecordRow> = {}): SampleRecordRow => ({
  anchor: `a${String(n).padStart(2, '0')}`,
  dn: `uid=u${n},ou=People,dc=x`,
  dnNorm: `uid=u${n},ou=people,dc=x`,
  parentNorm: 'ou=people,dc=x',
  signature: dims.join(' '),
  dims,
  rank: String((n * 7919) % 100).padStart(4, '0'),
  partners: [],
  ...extra,
});

test('duplicates form one unit; selection by rank inside a stratum; every dimension covered', () => {
  const s = spool();
  s.addRecords([
    ...Array.from({ length: 10 }, (_, i) => row(i, ['fate:create'])),
    row(10, ['fate:create']), // holds a value…
    row(11, ['fate:quarantine', 'validate.unique'], { partners: ['a10'] }), // …this one duplicates
    row(12, ['fate:create', 'trait:script-greek']),
  ]);
  expect(s.buildUnits()).toBe(12);
  const merged: { unit: string; signatures: string[] }[] = [];
  for (const page of s.multiRecordUnits()) merged.push(...page);
  expect(merged).toEqual([{ unit: 'a10', signatures: ['fate:create', 'fate:quarantine validate.unique'] }]);
  s.setUnitSignatures([{ unit: 'a10', signature: 'fate:create fate:quarantine validate.unique' }]);
  expect(s.strata()).toEqual([
    { signature: 'fate:create', units: 10, records: 10 },
    { signature: 'fate:create fate:quarantine validate.unique', units: 1, records: 2 },
    { signature: 'fate:create trait:script-greek', units: 1, records: 1 },
  ]);
  s.selectInStratum('fate:create', 3);
  // the unit added for fate:quarantine has validate.unique too: one unit covers both
  expect(s.cover()).toEqual(['fate:quarantine', 'trait:script-greek']);
  // the three best-ranked of the stratum, and the covering units (the pair together)
  const selected = Array.from({ length: 13 }, (_, i) => row(i, []).anchor).filter((a) => s.selection(a)?.selected);
  const best = Array.from({ length: 10 }, (_, i) => row(i, []))
    .sort((x, y) => (x.rank < y.rank ? -1 : 1))
    .slice(0, 3)
    .map((r) => r.anchor);
  expect(selected.sort()).toEqual([...best, 'a10', 'a11', 'a12'].sort());
  expect(s.selection('a11')).toEqual({ selected: true, signature: 'fate:create fate:quarantine validate.unique' });
  expect(s.sampledByStratum()).toEqual([
    { signature: 'fate:create', records: 3 },
    { signature: 'fate:create fate:quarantine validate.unique', records: 2 },
    { signature: 'fate:create trait:script-greek', records: 1 },
  ]);
  expect(s.dimensions().find((d) => d.dim === 'fate:create')).toEqual({ dim: 'fate:create', records: 12, sampled: 5 });
});

test('references: a sampled user as itself, an unsampled one through one stand-in; members and groups; containers', () => {
  const s = spool();
  s.addRecords(Array.from({ length: 6 }, (_, i) => row(i, ['fate:create'])));
  s.buildUnits();
  s.selectInStratum('fate:create', 2);
  s.cover();
  const sampled = Array.from({ length: 6 }, (_, i) => row(i, [])).filter((r) => s.selection(r.anchor)!.selected);
  const other = Array.from({ length: 6 }, (_, i) => row(i, [])).find((r) => !s.selection(r.anchor)!.selected)!;
  expect(s.userReference(sampled[0].dnNorm)).toEqual({ dn: sampled[0].dn, standIn: false });
  const standIn = s.userReference(other.dnNorm)!;
  expect(standIn.standIn).toBe(true);
  expect(sampled.map((r) => r.dn)).toContain(standIn.dn);
  expect(s.userReference(other.dnNorm)).toEqual(standIn);
  expect(s.userReference('uid=gone,ou=people,dc=x')).toBeUndefined();

  s.addGroup('cn=Direct,ou=G,dc=x', 'cn=direct,ou=g,dc=x', 'ou=g,dc=x', [sampled[0].dnNorm, other.dnNorm, 'uid=gone,ou=people,dc=x']);
  s.addGroup('cn=Nested,ou=G,dc=x', 'cn=nested,ou=g,dc=x', 'ou=g,dc=x', ['cn=direct,ou=g,dc=x']);
  s.addGroup('cn=Outer,ou=G,dc=x', 'cn=outer,ou=g,dc=x', 'ou=g,dc=x', ['cn=nested,ou=g,dc=x']);
  s.addGroup('cn=Empty,ou=G,dc=x', 'cn=empty,ou=g,dc=x', 'ou=g,dc=x', [other.dnNorm]);
  expect(s.markLiveGroups()).toBe(3);
  expect(s.member(sampled[0].dnNorm)).toBe(sampled[0].dn);
  expect(s.member(other.dnNorm)).toBeUndefined();
  expect(s.member('cn=outer,ou=g,dc=x')).toBe('cn=Outer,ou=G,dc=x');
  expect(s.member('cn=empty,ou=g,dc=x')).toBeUndefined();

  s.addContainers([
    { dn: 'dc=x', dnNorm: 'dc=x', depth: 1, parentNorm: null },
    { dn: 'ou=People,dc=x', dnNorm: 'ou=people,dc=x', depth: 2, parentNorm: 'dc=x' },
    { dn: 'ou=G,dc=x', dnNorm: 'ou=g,dc=x', depth: 2, parentNorm: 'dc=x' },
    { dn: 'ou=Unused,dc=x', dnNorm: 'ou=unused,dc=x', depth: 2, parentNorm: 'dc=x' },
  ]);
  expect(s.usedContainers()).toEqual([
    { dn: 'dc=x', depth: 1 },
    { dn: 'ou=G,dc=x', depth: 2 },
    { dn: 'ou=People,dc=x', depth: 2 },
  ]);
});

test('run pseudonyms are one-to-one', () => {
  const s = spool();
  expect(s.reserveRun('smith', 'qzkbw')).toBe(true);
  expect(s.reserveRun('jones', 'qzkbw')).toBe(false);
  expect(s.runPseudonym('smith')).toBe('qzkbw');
  expect(s.runPseudonym('jones')).toBeUndefined();
});

test("a sample's records for a forecast: by anchor, else by DN", () => {
  const store = StateStore.open(':memory:', { readonly: true });
  stores.push(store);
  const w = store.sampleWeights();
  w.add([
    { anchor: 'a1', dnNorm: 'uid=a,dc=x', stratum: 3 },
    { anchor: 'a2', dnNorm: 'uid=b,dc=x', stratum: 4 },
  ]);
  expect([w.stratumOf('a1', 'nope'), w.stratumOf('other', 'uid=b,dc=x'), w.stratumOf('other', 'nope')]).toEqual([3, 4, undefined]);
});
