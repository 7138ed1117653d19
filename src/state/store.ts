/**
 * The agent's state: one SQLite database (see db.ts) with typed repositories. Open it read-write
 * for runs, read-only for commands that must write nothing (plan, status, explain).
 */
import { openDatabase, type Db, type OpenOptions } from './db';
import { UsersRepo } from './users';
import { JournalRepo, RunLock, RunsRepo, WatermarksRepo } from './runs';
import { PlanSpool } from './spool';
import { GroupsRepo } from './group-store';
import { GroupSpool } from './group-spool';
import { OktaFactsRepo } from './okta-facts';
import { SampleSpool, SampleWeights } from './sample-spool';
import { OktaMirror } from './okta-mirror';

export class StateStore {
  readonly users: UsersRepo;
  readonly runs: RunsRepo;
  readonly journal: JournalRepo;
  readonly watermarks: WatermarksRepo;
  readonly lock: RunLock;
  readonly groups: GroupsRepo;
  /** The Okta org's user schema and rate limits as last seen. */
  readonly okta: OktaFactsRepo;
  private oktaMirror: OktaMirror | undefined;

  private constructor(
    private readonly db: Db,
    readonly readonly: boolean,
    private readonly now: () => Date,
  ) {
    this.users = new UsersRepo(db, now);
    this.runs = new RunsRepo(db, now);
    this.journal = new JournalRepo(db, now);
    this.watermarks = new WatermarksRepo(db, now);
    this.lock = new RunLock(db, now);
    this.groups = new GroupsRepo(db, now);
    this.okta = new OktaFactsRepo(db);
  }

  /** Throws a StateError (state/errors.ts) when the file is not a usable state. */
  static open(path: string, opts: { readonly?: boolean; now?: () => Date } & OpenOptions = {}): StateStore {
    const readonly = opts.readonly ?? false;
    return new StateStore(openDatabase(path, readonly ? 'readonly' : 'readwrite', { notice: opts.notice }), readonly, opts.now ?? (() => new Date()));
  }

  /** A fresh plan spool (temp tables; never part of the state file). */
  spool(): PlanSpool {
    return new PlanSpool(this.db);
  }

  /** A fresh group plan spool (temp tables; never part of the state file; drops an earlier one's tables). */
  groupSpool(): GroupSpool {
    return new GroupSpool(this.db, this.now);
  }

  /** The `sample` command's working set (temp tables; never part of the state file). */
  sampleSpool(): SampleSpool {
    return new SampleSpool(this.db);
  }

  /** A sample's records and strata, for a forecast (temp tables; never part of the state file). */
  sampleWeights(): SampleWeights {
    return new SampleWeights(this.db);
  }

  /**
   * Whether anything waits to be tried again by the next run that reads the directory: a user
   * record in quarantine, a group in quarantine or with writes not all confirmed (indexed lookups).
   */
  hasRetries(): boolean {
    return (
      this.db.prepare("SELECT 1 FROM main.users WHERE quarantine_reason IS NOT NULL AND anchor NOT LIKE 'dn:%' LIMIT 1").get() !== undefined ||
      this.db.prepare('SELECT 1 FROM main.groups WHERE pending = 1 OR quarantine_reason IS NOT NULL LIMIT 1').get() !== undefined
    );
  }

  /**
   * The Okta mirror: in the state file; for a read-only state, a TEMP copy of it made on first use
   * (refreshing the copy writes nothing to the file; it is gone when the state is closed).
   */
  get mirror(): OktaMirror {
    return (this.oktaMirror ??= this.readonly ? OktaMirror.copyOf(this.db, this.now) : OktaMirror.inState(this.db, this.now));
  }

  /** Run `fn` in one transaction: all of its writes land together or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}

export { StateError, sqliteError } from './errors';
export type { UserRow, AppliedWrite } from './users';
export type { RunRow, RunOutcome, JournalEntry } from './runs';
export type { SpooledAction, PlanSpool } from './spool';
export type { SampleSpool, SampleWeights, SampleRecordRow, SampleStratumRow } from './sample-spool';
export type { OktaMirror, MirrorShape, MirrorUser } from './okta-mirror';
