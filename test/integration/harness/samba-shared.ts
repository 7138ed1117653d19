import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { currentRunDir, registeredServers } from '../../harness/run-dir';
import type { SambaAd } from '../../harness';

/**
 * For the "one DC per run" check: every AD harness test file records which DC it got; each file then
 * checks that all records so far name the same DC and that the run registered one Samba process only.
 */
export function recordSambaUse(file: string, ad: SambaAd): void {
  const dir = path.join(currentRunDir(), 'samba-users');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${file}.json`), JSON.stringify({ pid: ad.pid, host: ad.host, worker: process.pid }));
}

export function expectOneSharedDc(ad: SambaAd): void {
  const dir = path.join(currentRunDir(), 'samba-users');
  const uses = readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { pid: number; host: string });
  expect(uses.length).toBeGreaterThanOrEqual(1);
  for (const u of uses) expect(u).toMatchObject({ pid: ad.pid, host: ad.host });
  expect(
    registeredServers(currentRunDir())
      .filter((s) => s.kind === 'samba' && !s.private)
      .map((s) => s.pid),
  ).toEqual([ad.pid]);
}
