/**
 * Run reports on disk: every sync run leaves its report as JSON in `reports/` beside the state
 * database (`/var/lib/ldap-okta-sync/reports/run-000042.json`, mode 0600, the directory 0700),
 * written whole or not at all (a temporary file renamed into place). Reports older than the
 * retention are deleted when a new one is written. The report's shape is sync/'s (RunReport);
 * here it is only a JSON document with a run id.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const NAME = /^run-(\d+)\.json$/;

/** The reports directory of a state database. */
export function reportsDirOf(statePath: string): string {
  return join(dirname(statePath), 'reports');
}

export interface StoredReport {
  runId: number;
  file: string;
  /** When the file was written. */
  writtenAt: Date;
}

export class RunReportFiles {
  constructor(
    readonly dir: string,
    private readonly keepDays: number,
  ) {}

  fileOf(runId: number): string {
    return join(this.dir, `run-${String(runId).padStart(6, '0')}.json`);
  }

  /** Write one run's report and delete the reports past the retention. Returns the file. */
  save(runId: number, report: object, now = new Date()): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = this.fileOf(runId);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(report, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    this.prune(now);
    return file;
  }

  /** Remove one run's report (none is fine). */
  forget(runId: number): void {
    rmSync(this.fileOf(runId), { force: true });
  }

  /** The reports on disk, newest run first. */
  list(): StoredReport[] {
    if (!existsSync(this.dir)) return [];
    const out: StoredReport[] = [];
    for (const name of readdirSync(this.dir)) {
      const m = NAME.exec(name);
      if (!m) continue;
      const file = join(this.dir, name);
      out.push({ runId: Number(m[1]), file, writtenAt: statSync(file).mtime });
    }
    return out.sort((a, b) => b.runId - a.runId);
  }

  /** One run's report (the latest when no id is given); undefined when there is none. */
  load(runId?: number): { runId: number; report: unknown } | undefined {
    const entry = runId === undefined ? this.list()[0] : this.list().find((r) => r.runId === runId);
    if (!entry) return undefined;
    return { runId: entry.runId, report: JSON.parse(readFileSync(entry.file, 'utf8')) as unknown };
  }

  /** Delete reports written more than `keepDays` days before `now`; returns how many. */
  prune(now = new Date()): number {
    const limit = now.getTime() - this.keepDays * 86_400_000;
    let removed = 0;
    for (const r of this.list()) {
      if (r.writtenAt.getTime() < limit) {
        rmSync(r.file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

/** Whether a state path has a directory for reports (an in-memory database has none). */
export function hasReportsDir(statePath: string): boolean {
  return statePath !== ':memory:' && existsSync(dirname(statePath));
}
