import { existsSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportsDirOf, RunReportFiles } from '../../../src/state/reports';

test('reports: one file per run beside the state (0600 in a 0700 directory), newest first, the latest by default, old ones pruned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reports-'));
  const files = new RunReportFiles(reportsDirOf(join(dir, 'state.db')), 30);
  expect(files.dir).toBe(join(dir, 'reports'));
  expect(files.load()).toBeUndefined();
  const now = new Date();
  files.save(7, { runId: 7, outcome: 'ok' }, now);
  files.save(12, { runId: 12, outcome: 'failed' }, now);
  expect(readdirSync(files.dir).sort()).toEqual(['run-000007.json', 'run-000012.json']); // no temporary file left
  expect((statSync(files.dir).mode & 0o777).toString(8)).toBe('700');
  expect((statSync(files.fileOf(7)).mode & 0o777).toString(8)).toBe('600');
  expect(files.list().map((r) => r.runId)).toEqual([12, 7]);
  expect(files.load()).toEqual({ runId: 12, report: { runId: 12, outcome: 'failed' } });
  expect(files.load(7)).toEqual({ runId: 7, report: { runId: 7, outcome: 'ok' } });
  expect(files.load(8)).toBeUndefined();

  // run 7's file is 31 days old: the next save removes it, run 12's stays
  const old = new Date(now.getTime() - 31 * 86_400_000);
  utimesSync(files.fileOf(7), old, old);
  writeFileSync(join(files.dir, 'notes.txt'), 'not a report'); // other files are left alone
  files.save(13, { runId: 13 }, now);
  expect(existsSync(files.fileOf(7))).toBe(false);
  expect(files.list().map((r) => r.runId)).toEqual([13, 12]);
  expect(existsSync(join(files.dir, 'notes.txt'))).toBe(true);
});
