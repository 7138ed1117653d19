/**
 * Run history, the run lock (never two runs at once, across processes), the write-ahead journal
 * of in-flight Okta writes, and watermarks (which advance only after a run's writes are durable).
 */
import { hostname } from 'node:os';
import type { Db } from './db';

export type RunOutcome = 'running' | 'ok' | 'quarantined' | 'failed' | 'stopped' | 'interrupted';

export interface RunRow {
  id: number;
  kind: string;
  mode: string;
  trigger: string;
  startedAt: string;
  endedAt: string | null;
  outcome: RunOutcome;
  counts: Record<string, number> | null;
  error: string | null;
}

interface RawRun {
  id: number;
  kind: string;
  mode: string;
  trigger: string;
  started_at: string;
  ended_at: string | null;
  outcome: RunOutcome;
  counts: string | null;
  error: string | null;
}

const toRun = (r: RawRun): RunRow => ({
  id: r.id,
  kind: r.kind,
  mode: r.mode,
  trigger: r.trigger,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  outcome: r.outcome,
  counts: r.counts ? (JSON.parse(r.counts) as Record<string, number>) : null,
  error: r.error,
});

export class RunsRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  begin(kind: string, mode: string, trigger: string): number {
    const r = this.db.prepare('INSERT INTO runs (kind, mode, trigger, started_at) VALUES (?, ?, ?, ?)').run(kind, mode, trigger, this.now().toISOString());
    return Number(r.lastInsertRowid);
  }

  setMode(id: number, mode: string): void {
    this.db.prepare('UPDATE runs SET mode = ? WHERE id = ?').run(mode, id);
  }

  finish(id: number, outcome: Exclude<RunOutcome, 'running'>, counts: object, error?: string): void {
    this.db
      .prepare('UPDATE runs SET ended_at = ?, outcome = ?, counts = ?, error = ? WHERE id = ?')
      .run(this.now().toISOString(), outcome, JSON.stringify(counts), error ?? null, id);
  }

  /**
   * Of a streak of polls that found the directory where it was (their counts say `idle: 1`), the
   * runs table keeps the latest: the run before `id` goes if it was one of them (its id is returned).
   */
  forgetIdleBefore(id: number): number | undefined {
    return this.db
      .prepare<[number], { id: number }>(
        `DELETE FROM runs WHERE id = (SELECT max(id) FROM runs WHERE id < ?) AND outcome = 'ok' AND json_extract(counts, '$.idle') = 1 RETURNING id`,
      )
      .get(id)?.id;
  }

  /** Milliseconds between the start of the latest run before `id` that was not an idle poll and the start of run `id`. */
  msSinceWorkBefore(id: number): number | undefined {
    const r = this.db
      .prepare<[number, number], { ms: number | null }>(
        `SELECT (julianday((SELECT started_at FROM runs WHERE id = ?)) - julianday(started_at)) * 86400000.0 AS ms FROM runs
          WHERE id < ? AND (counts IS NULL OR json_extract(counts, '$.idle') IS NOT 1) ORDER BY id DESC LIMIT 1`,
      )
      .get(id, id);
    return r?.ms ?? undefined;
  }

  /**
   * The latest finished full run, when it failed or was interrupted and began at least `minAgeMs`
   * ago: a full run is owed (what only full runs find, users gone from the directory, waits for it).
   * A full run a safeguard stopped is not owed again: a person decides (`--allow-mass-change`).
   */
  unfinishedFull(minAgeMs: number): { runId: number; outcome: RunOutcome } | undefined {
    const r = this.db
      .prepare<[], { id: number; outcome: RunOutcome; started_at: string }>(
        "SELECT id, outcome, started_at FROM runs WHERE mode = 'full' AND outcome != 'running' ORDER BY id DESC LIMIT 1",
      )
      .get();
    if (!r || (r.outcome !== 'failed' && r.outcome !== 'interrupted')) return undefined;
    return this.now().getTime() - Date.parse(r.started_at) >= minAgeMs ? { runId: r.id, outcome: r.outcome } : undefined;
  }

  /** Runs left 'running' by a process that died are marked interrupted. */
  markInterrupted(): number {
    return this.db
      .prepare("UPDATE runs SET outcome = 'interrupted', ended_at = ?, error = 'the agent stopped during this run' WHERE outcome = 'running'")
      .run(this.now().toISOString()).changes;
  }

  latest(limit: number): RunRow[] {
    return this.db.prepare<[number], RawRun>('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit).map(toRun);
  }
}

export interface JournalEntry {
  id: number;
  runId: number;
  anchor: string;
  op: string;
  payload: unknown;
  startedAt: string;
}

export class JournalRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** Written (and committed) before the Okta call. */
  begin(runId: number, anchor: string, op: string, payload: unknown): number {
    const r = this.db
      .prepare('INSERT INTO journal (run_id, anchor, op, payload, started_at) VALUES (?, ?, ?, ?, ?)')
      .run(runId, anchor, op, JSON.stringify(payload), this.now().toISOString());
    return Number(r.lastInsertRowid);
  }

  /** Removed in the same transaction as the state update that records the write's result. */
  end(id: number): void {
    this.db.prepare('DELETE FROM journal WHERE id = ?').run(id);
  }

  /**
   * Carry out one Okta write under a journal entry: the entry is committed before `send`, and
   * removed in the transaction in which `record` stores the result, so the state never claims a
   * write that did not happen and a crash in between is settled by the next start's recovery. When
   * `send` fails the entry is removed too, unless `keep(error)` says the outcome is unknown and
   * only that recovery can settle it.
   */
  async around<T>(
    entry: { runId: number; anchor: string; op: string; payload: unknown },
    send: () => Promise<T>,
    record: (value: T) => void,
    keep?: (error: unknown) => boolean,
  ): Promise<T> {
    const id = this.begin(entry.runId, entry.anchor, entry.op, entry.payload);
    let value: T;
    try {
      value = await send();
    } catch (e) {
      if (!keep?.(e)) this.end(id);
      throw e;
    }
    this.db.transaction(() => {
      record(value);
      this.end(id);
    })();
    return value;
  }

  pending(): JournalEntry[] {
    return this.db
      .prepare<[], { id: number; run_id: number; anchor: string; op: string; payload: string; started_at: string }>('SELECT * FROM journal ORDER BY id')
      .all()
      .map((r) => ({ id: r.id, runId: r.run_id, anchor: r.anchor, op: r.op, payload: JSON.parse(r.payload) as unknown, startedAt: r.started_at }));
  }
}

export class WatermarksRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  get<T>(source: string): T | undefined {
    const r = this.db.prepare<[string], { value: string }>('SELECT value FROM watermarks WHERE source = ?').get(source);
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  set(source: string, value: unknown, runId: number): void {
    this.db
      .prepare(
        `INSERT INTO watermarks (source, value, run_id, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(source) DO UPDATE SET value = excluded.value, run_id = excluded.run_id, updated_at = excluded.updated_at`,
      )
      .run(source, JSON.stringify(value), runId, this.now().toISOString());
  }

  clear(source: string): void {
    this.db.prepare('DELETE FROM watermarks WHERE source = ?').run(source);
  }

  /** Every stored watermark: the source, its value, the run that stored it and when. */
  list(): { source: string; value: unknown; runId: number | null; updatedAt: string }[] {
    return this.db
      .prepare<[], { source: string; value: string; run_id: number | null; updated_at: string }>('SELECT * FROM watermarks ORDER BY source')
      .all()
      .map((r) => ({ source: r.source, value: JSON.parse(r.value) as unknown, runId: r.run_id, updatedAt: r.updated_at }));
  }
}

export interface LockHolder {
  pid: number;
  host: string;
  runId: number | null;
  acquiredAt: string;
}

export class RunLock {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /**
   * Take the run lock, or return who holds it. A lock left by a dead process on this host is taken over.
   */
  acquire(): { ok: true } | { ok: false; holder: LockHolder } {
    const host = hostname();
    return this.db
      .transaction((): { ok: true } | { ok: false; holder: LockHolder } => {
        const cur = this.db.prepare<[], { pid: number; host: string; run_id: number | null; acquired_at: string }>('SELECT * FROM run_lock WHERE id = 1').get();
        if (cur && !(cur.host === host && (cur.pid === process.pid || !processAlive(cur.pid)))) {
          return { ok: false, holder: { pid: cur.pid, host: cur.host, runId: cur.run_id, acquiredAt: cur.acquired_at } };
        }
        this.db
          .prepare('INSERT OR REPLACE INTO run_lock (id, pid, host, run_id, acquired_at) VALUES (1, ?, ?, NULL, ?)')
          .run(process.pid, host, this.now().toISOString());
        return { ok: true };
      })
      .immediate();
  }

  /** Who holds the lock, when its holder is alive (a holder on another host is taken to be); undefined when nobody runs. */
  holder(): LockHolder | undefined {
    const cur = this.db.prepare<[], { pid: number; host: string; run_id: number | null; acquired_at: string }>('SELECT * FROM run_lock WHERE id = 1').get();
    if (!cur || (cur.host === hostname() && !processAlive(cur.pid))) return undefined;
    return { pid: cur.pid, host: cur.host, runId: cur.run_id, acquiredAt: cur.acquired_at };
  }

  setRun(runId: number): void {
    this.db.prepare('UPDATE run_lock SET run_id = ? WHERE id = 1 AND pid = ?').run(runId, process.pid);
  }

  release(): void {
    this.db.prepare('DELETE FROM run_lock WHERE id = 1 AND pid = ? AND host = ?').run(process.pid, hostname());
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
