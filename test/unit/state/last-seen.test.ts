import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../../../src/state/store';

/**
 * Which run last read a user: incremental runs stamp the users they read; a full run stamps only
 * the users it found again after they were missing (it does not rewrite every row), and the others
 * were read by that full run as a whole.
 */
test('a full run writes only the rows that were missing; every user it read is "last seen" by it', () => {
  let t = Date.parse('2026-12-01T00:00:00Z');
  const s = StateStore.open(join(mkdtempSync(join(tmpdir(), 'seen-')), 'state.db'), { now: () => new Date((t += 1000)) });
  const link = (anchor: string, runId: number) =>
    s.users.recordApplied({
      anchor,
      dn: `uid=${anchor},ou=people,dc=example,dc=com`,
      oktaId: `00u${anchor}`,
      login: `${anchor}@example.com`,
      loginSource: null,
      profile: { login: `${anchor}@example.com` },
      oktaStatus: 'ACTIVE',
      link: 'created',
      disabled: false,
      runId,
    });
  const run = (mode: 'full' | 'incremental', seen: string[], missing: string[] = [], outcome: 'ok' | 'interrupted' = 'ok') => {
    const id = s.runs.begin('sync', mode, 'manual');
    const spool = s.spool();
    spool.addPage([], seen);
    for (const a of missing) s.users.recordMissing(a, (s.users.get(a)?.missingRuns ?? 0) + 1);
    const written = outcome === 'ok' ? spool.stampSeen(id, mode === 'full') : 0;
    spool.close();
    s.runs.finish(id, outcome, {});
    return { id, written };
  };
  const lastSeen = (a: string) => s.users.get(a)?.lastSeenRun;

  // run 1 (full) creates a, b, c
  const r1 = s.runs.begin('sync', 'full', 'manual');
  for (const a of ['a', 'b', 'c']) link(a, r1);
  s.runs.finish(r1, 'ok', {});

  // run 2 (full) reads a and b; c is missing: nothing is rewritten for a and b
  const r2 = run('full', ['a', 'b'], ['c']);
  expect(r2.written).toBe(0);
  expect([lastSeen('a'), lastSeen('b'), lastSeen('c')]).toEqual([r2.id, r2.id, r1]);
  expect(s.users.getMany(['a']).get('a')?.lastSeenRun).toBe(r2.id);

  // run 3 (incremental) reads a: stamped
  const r3 = run('incremental', ['a']);
  expect(r3.written).toBe(1);
  expect([lastSeen('a'), lastSeen('b')]).toEqual([r3.id, r2.id]);

  // run 4 (full) reads all three: only c, found again, is written
  const r4 = run('full', ['a', 'b', 'c']);
  expect(r4.written).toBe(1);
  expect([lastSeen('a'), lastSeen('b'), lastSeen('c')]).toEqual([r4.id, r4.id, r4.id]);
  expect(s.users.get('c')?.missingRuns).toBe(0);

  // run 5 (full) is interrupted before it stamps: nobody counts as read by it
  run('full', ['a', 'b', 'c'], [], 'interrupted');
  expect([lastSeen('a'), lastSeen('b'), lastSeen('c')]).toEqual([r4.id, r4.id, r4.id]);

  // run 6 (full) misses b: b keeps run 4, the last run that read it
  const r6 = run('full', ['a', 'c'], ['b']);
  expect([lastSeen('a'), lastSeen('b'), lastSeen('c')]).toEqual([r6.id, r4.id, r6.id]);
  s.close();
});
