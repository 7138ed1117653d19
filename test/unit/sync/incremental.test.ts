import { canResume, changedSince, generalizedTimeMinus } from '../../../src/directory/checkpoint';
import type { Checkpoint } from '../../../src/directory/source';
import { decideMode, type Watermark } from '../../../src/sync/plan-phase';
import { checkSafeguards } from '../../../src/sync/plan/safeguards';

const ad = (o: Partial<Extract<Checkpoint, { kind: 'ad-usn' }>> = {}): Checkpoint => ({
  kind: 'ad-usn',
  dc: 'dc1.example.test',
  invocationId: 'aaaa-1',
  usn: '5000',
  ...o,
});
const src = { canResume };

describe('canResume', () => {
  test('same DC, same invocationId, USN forward: resume', () => expect(canResume(ad(), ad({ usn: '6000' }))).toEqual({ ok: true }));
  test('another DC', () =>
    expect(canResume(ad(), ad({ dc: 'DC2.example.test' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/domain controller changed/) }));
  test('the same DC name is compared without case', () => expect(canResume(ad(), ad({ dc: 'DC1.EXAMPLE.TEST' }))).toEqual({ ok: true }));
  test('a restored DC gets a new invocationId', () =>
    expect(canResume(ad(), ad({ invocationId: 'bbbb-2' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/invocationId .* changed.*restored/) }));
  test('USN going back', () => expect(canResume(ad(), ad({ usn: '10' }))).toMatchObject({ ok: false }));
  test('contextCSN going back', () =>
    expect(
      canResume({ kind: 'ldap-csn', csn: '20261128203024.445174Z#000000#000#000000' }, { kind: 'ldap-csn', csn: '20251128203024.445174Z#000000#000#000000' }),
    ).toMatchObject({ ok: false }));
  test('change tracking method changed', () => expect(canResume(ad(), { kind: 'ldap-csn', csn: 'x' })).toMatchObject({ ok: false }));
  test('a file cannot resume', () => expect(canResume({ kind: 'none' }, { kind: 'none' })).toMatchObject({ ok: false }));
});

describe('changedSince', () => {
  test('AD: uSNChanged strictly above the stored USN', () => expect(changedSince(ad(), 300)).toBe('(uSNChanged>=5001)'));
  test('OpenLDAP: entryCSN at or above the stored contextCSN (the boundary is re-read)', () =>
    expect(changedSince({ kind: 'ldap-csn', csn: '20261128203024.445174Z#000000#000#000000' }, 300)).toBe(
      '(entryCSN>=20261128203024.445174Z#000000#000#000000)',
    ));
  test('modifyTimestamp: with the overlap window', () =>
    expect(changedSince({ kind: 'ldap-timestamp', timestamp: '20261128120000Z' }, 300)).toBe('(modifyTimestamp>=20261128115500Z)'));
  test('generalized time arithmetic crosses days', () => expect(generalizedTimeMinus('20260101000100Z', 120)).toBe('20251231235900Z'));
});

describe('decideMode', () => {
  const wm = (fingerprint = 'f1'): Watermark => ({ checkpoint: ad(), fingerprint });
  test('first run: full', () =>
    expect(decideMode('auto', undefined, ad(), 'f1', src)).toMatchObject({ mode: 'full', reason: expect.stringMatching(/no watermark/) }));
  test('a watermark that allows it: incremental from it', () =>
    expect(decideMode('auto', wm(), ad({ usn: '7000' }), 'f1', src)).toMatchObject({ mode: 'incremental', since: ad() }));
  test('--full', () => expect(decideMode('full', wm(), ad({ usn: '7000' }), 'f1', src).mode).toBe('full'));
  test('a full run that failed is owed: auto runs are full, and say which run failed; --incremental is not', () => {
    const owed = { runId: 4, outcome: 'failed' };
    expect(decideMode('auto', wm(), ad(), 'f1', src, undefined, owed)).toMatchObject({
      mode: 'full',
      reason: expect.stringMatching(/last full run \(run 4\) failed/),
    });
    expect(decideMode('auto', wm(), ad(), 'f1', src, undefined, { runId: 4, outcome: 'interrupted' }).reason).toMatch(/was interrupted/);
    expect(decideMode('incremental', wm(), ad(), 'f1', src, undefined, owed).mode).toBe('incremental');
  });
  test('the configuration changed: full', () =>
    expect(decideMode('auto', wm('f0'), ad(), 'f1', src)).toMatchObject({ mode: 'full', reason: expect.stringMatching(/configuration/) }));
  test('another DC: full, and the reason says so', () =>
    expect(decideMode('incremental', wm(), ad({ dc: 'dc9' }), 'f1', src)).toMatchObject({ mode: 'full', reason: expect.stringMatching(/dc9/) }));
});

describe('checkSafeguards', () => {
  const cfg = {
    deprovisions: { percent: 10, count: 500 },
    membershipRemovals: { percent: 10, count: 5000 },
    updates: { percent: 60, count: 200000 },
    ignoreBelow: 10,
  };
  const t = (o: Partial<Parameters<typeof checkSafeguards>[0]>) => ({
    managed: 1000,
    deprovisions: 0,
    newlyMissing: 0,
    updates: 0,
    membershipRemovals: 0,
    ...o,
  });
  test('a normal day passes', () => expect(checkSafeguards(t({ deprovisions: 20, updates: 50, membershipRemovals: 30 }), cfg)).toEqual({ ok: true }));
  test('90% missing stops the run', () => {
    const v = checkSafeguards(t({ newlyMissing: 900 }), cfg);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reasons[0]).toMatch(/900 planned/);
  });
  test('over the absolute count stops, whatever the percentage', () =>
    expect(checkSafeguards(t({ managed: 1_000_000, deprovisions: 501 }), cfg).ok).toBe(false));
  test('over the percentage stops', () => expect(checkSafeguards(t({ deprovisions: 101 }), cfg).ok).toBe(false));
  test('few changes in a tiny directory do not trip the percentage', () =>
    expect(checkSafeguards(t({ managed: 20, deprovisions: 3 }), cfg)).toEqual({ ok: true }));
  test('mass updates and mass membership removals stop too', () => {
    expect(checkSafeguards(t({ updates: 700 }), cfg).ok).toBe(false);
    expect(checkSafeguards(t({ membershipRemovals: 150 }), cfg).ok).toBe(false);
  });
});
