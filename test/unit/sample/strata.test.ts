/** Strata: a record's dimensions, proportional allocation by systematic rounding, weights for a forecast. */
import type { SourceRecord } from '../../../src/directory/types';
import type { Assessment } from '../../../src/inspect/preflight';
import { allocate, dimensionsOf, mergeSignatures, scriptClass, weightStrata } from '../../../src/sample/strata';

const record = (dn: string, attributes: Record<string, string[]>, disabled = false): SourceRecord => ({ anchor: 'a', dn, attributes, disabled });
const assessment = (fate: Assessment['fate'], ...types: string[]): Assessment => ({
  fate,
  login: null,
  problems: types.map((type) => ({ type: type as Assessment['problems'][number]['type'], severity: 'warning', step: 's', attribute: null, message: '' })),
});

test('dimensions: the fate, every problem type once, and the traits (disabled, LDAP-special RDN, script of the names)', () => {
  expect(dimensionsOf(record('uid=a,ou=p', { cn: ['Ann Lee'] }), assessment('create'))).toEqual(['fate:create']);
  expect(
    dimensionsOf(
      record('cn=Lee\\, Ann,ou=p', { cn: ['Lee, Ann'], sn: ['Müller'] }, true),
      assessment('quarantine', 'phone.invalid', 'phone.invalid', 'validate.required'),
    ),
  ).toEqual(['fate:quarantine', 'phone.invalid', 'trait:disabled', 'trait:dn-special', 'trait:script-latin', 'validate.required']);
  expect(dimensionsOf(record('uid=b', { givenname: ['Дмитрий'], sn: ['Müller'] }), assessment('create'))).toContain('trait:script-cyrillic');
  expect(dimensionsOf(record('cn=\\ lead,ou=p', {}), assessment('skip', 'skipped'))).toContain('trait:dn-special');
  expect(dimensionsOf(null, assessment('rejected', 'directory.rejected'))).toEqual(['directory.rejected', 'fate:rejected']);
  expect([scriptClass('Ann'), scriptClass('José'), scriptClass('Jose\u0301'), scriptClass('王伟'), scriptClass('김')]).toEqual([
    undefined,
    'latin',
    'latin',
    'han',
    'hangul',
  ]);
  expect(mergeSignatures(['fate:create phone.invalid', 'fate:quarantine validate.unique', 'fate:create'])).toBe(
    'fate:create fate:quarantine phone.invalid validate.unique',
  );
});

test('allocation: the fraction of every stratum, rounded down or up; the total is the fraction of all; small strata get their chance', () => {
  const strata = [
    { signature: 'a', units: 400 },
    { signature: 'b', units: 7 },
    { signature: 'c', units: 3 },
    ...Array.from({ length: 40 }, (_, i) => ({ signature: `z${String(i).padStart(2, '0')}`, units: 1 })),
  ];
  const seats = allocate(strata, 0.25, 0.5);
  expect(seats.get('a')).toBe(100);
  expect([1, 2]).toContain(seats.get('b'));
  expect([0, 1]).toContain(seats.get('c'));
  const total = [...seats.values()].reduce((a, b) => a + b, 0);
  expect(Math.abs(total - 0.25 * 450)).toBeLessThanOrEqual(1);
  // the singletons: about a quarter of them, spread evenly (never two neighbours' worth in a row)
  const singles = strata.slice(3).map((s) => seats.get(s.signature)!);
  expect(singles.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(9);
  expect(singles.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(11);
  // over the keyed start, each stratum gets its quota on average (no stratum is always left out)
  const mean = (sig: string) => {
    let n = 0;
    for (let k = 0; k < 100; k++) n += allocate(strata, 0.25, k / 100).get(sig)!;
    return n / 100;
  };
  expect(mean('c')).toBeCloseTo(0.75, 1);
  expect(mean('z17')).toBeCloseTo(0.25, 1);
  expect(allocate([{ signature: 'x', units: 3 }], 1, 0.9).get('x')).toBe(3);
});

test('weights: directory ÷ sample per sampled stratum; an unsampled stratum is weighted with the closest sampled one', () => {
  const w = weightStrata(
    [
      { signature: 'fate:create', records: 400 },
      { signature: 'fate:create phone.invalid', records: 200 },
      { signature: 'fate:create phone.invalid trait:disabled', records: 2 },
      { signature: 'fate:quarantine validate.required', records: 3 },
    ],
    [
      { signature: 'fate:create', records: 100 },
      { signature: 'fate:create phone.invalid', records: 50 },
      { signature: 'fate:quarantine validate.required', records: 1 },
    ],
  );
  expect(w.map((s) => [s.id, s.signature, s.directory, s.sample, s.weight])).toEqual([
    [1, 'fate:create', 400, 100, 4],
    [2, 'fate:create phone.invalid', 202, 50, 4.04],
    [3, 'fate:quarantine validate.required', 3, 1, 3],
  ]);
  expect(w[1].merged).toEqual(['fate:create phone.invalid trait:disabled']);
  // the weights account for every user of the directory
  expect(w.reduce((n, s) => n + s.sample * s.weight, 0)).toBeCloseTo(605, 6);
});
