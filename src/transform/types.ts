/**
 * Public types of the transform stage: the outcome of one record, findings, the per-record
 * context, and the registries the username and validate steps consult.
 */
import type { SourceRecord } from '../directory/types';
import type { Profile, ProfileValue } from '../okta/profile';

export type MaybePromise<T> = T | Promise<T>;

/** Kinds of data-quality findings; `preflight` counts them per type. */
export type FindingType =
  | 'phone.normalized'
  | 'phone.invalid'
  | 'email.normalized'
  | 'email.invalid'
  | 'whitespace.normalized'
  | 'unicode.normalized'
  | 'lookup.no-match'
  | 'lookup.default'
  | 'lookup.multiple'
  | 'username.conflict'
  | 'validate.required'
  | 'validate.pattern'
  | 'validate.email'
  | 'validate.e164'
  | 'validate.length'
  | 'validate.characters'
  | 'validate.unique'
  | 'hook.error'
  | 'hook.timeout'
  | 'hook.quarantine';

/** A structured data-quality note, for ok records too. */
export interface Finding {
  type: FindingType;
  /** Name of the step that made it. */
  step: string;
  /** Profile attribute concerned, or null. */
  attribute: string | null;
  /** The value before the step acted (undefined when not applicable). */
  before?: ProfileValue;
  /** The value after (null = dropped; undefined when not applicable). */
  after?: ProfileValue;
  /** Human-readable detail, e.g. "not a valid number for FR" or "held by anchor-42". */
  message?: string;
}

export interface OkOutcome {
  kind: 'ok';
  anchor: string;
  profile: Profile;
  /** profile.login */
  login: string;
  /** The preferred (unsuffixed) login candidate the username step derived it from; store it for stability. Null when login was mapped directly. */
  loginSource: string | null;
  findings: Finding[];
  trace?: Trace;
}
export interface SkipOutcome {
  kind: 'skip';
  anchor: string;
  /** Name of the skip step (counted per step by the caller). */
  step: string;
  reason: string;
  findings: Finding[];
  trace?: Trace;
}
export interface QuarantineOutcome {
  kind: 'quarantine';
  anchor: string;
  step: string;
  reason: string;
  findings: Finding[];
  trace?: Trace;
}
export type TransformOutcome = OkOutcome | SkipOutcome | QuarantineOutcome;

/** `run(record, ctx, { trace: true })`: source values → each step's output → final attributes. */
export interface Trace {
  /** Values of the source attributes the pipeline references (missing ones omitted). */
  source: Record<string, string[]>;
  steps: TraceStep[];
}
export interface TraceStep {
  step: string;
  kind: StepKind;
  /** Profile attributes this step changed. */
  changed: Record<string, { before: ProfileValue | undefined; after: ProfileValue }>;
  /** Copy of the whole profile after the step. */
  profile: Profile;
  /** `when`: which branch ran; `lookup`: matched / default / none; `skip`: whether it fired. */
  note?: string;
  /** Set when the step ended the record. */
  outcome?: 'skip' | 'quarantine';
}

export type StepKind = 'map' | 'set' | 'when' | 'skip' | 'normalize' | 'lookup' | 'username' | 'validate' | 'hook';

/**
 * A holder of a login or unique value: `true` = free for this anchor (or already its own).
 * `inRun`: the holder claimed it earlier in this run (rather than holding it from before).
 */
export type Availability = boolean | { heldBy: string; inRun?: boolean };

/**
 * Login uniqueness, injected. Logins are compared with {@link normalizeLogin} (case- and
 * diacritic-insensitive, as Okta does). Implementations consult the agent's own claims (state)
 * and Okta, including deactivated users that still hold a login.
 */
export interface LoginRegistry {
  /**
   * Is `login` free for `anchor` (nobody holds it, or `anchor` itself does)? `false` or `{heldBy}`
   * when taken. `profile`: the record's profile so far (the agent lets a record have the login of
   * the Okta user its match rules will link it to).
   */
  isAvailable(login: string, anchor: string, profile?: Readonly<Profile>): MaybePromise<Availability>;
  /**
   * Reserve `login` for `anchor` for the rest of this run, atomically: returns false / {heldBy}
   * when another record of this run claimed it first. Persisting claims is the caller's job.
   */
  claim(login: string, anchor: string): MaybePromise<Availability>;
  /** Give back an in-run claim (the record was quarantined or skipped by a later step). */
  release(login: string, anchor: string): MaybePromise<void>;
}

/**
 * Uniqueness of an attribute's values across the directory (e.g. employeeNumber), injected. The
 * first holder keeps a value; `claim` is atomic. Values arrive already normalised (see the
 * validate step's `ignoreCase`).
 */
export interface UniqueRegistry {
  claim(attribute: string, value: string, anchor: string): MaybePromise<Availability>;
  release(attribute: string, value: string, anchor: string): MaybePromise<void>;
}

/** What the state stored for this anchor after the last applied run. */
export interface PreviousState {
  login: string | null;
  loginSource: string | null;
}

/** Per-record context. */
export interface TransformContext {
  /** Required when the pipeline has a `username` step. */
  logins?: LoginRegistry;
  /** Required when a `validate` step has `unique`. */
  unique?: UniqueRegistry;
  /** State of this anchor from the last run, or null/undefined for a new user. */
  previous?: PreviousState | null;
  /** The run's clock (the expression variable `$now`). */
  now: Date;
}

export interface RunOptions {
  trace?: boolean;
}

export interface CompileError {
  /** Relative to the steps list, e.g. [2, 'map', 'login']. */
  path: (string | number)[];
  message: string;
}

export interface CompileOptions {
  /** Source attribute names the reader can provide (any case); a reference to another one is an error. */
  knownAttributes?: readonly string[];
  /** Directory of the config file: `hook.module` and lookup files resolve against it. */
  baseDir: string;
}

/** A profile attribute a step sets, where the configuration says so. */
export interface ProfileWrite {
  attribute: string;
  /** The step's name. */
  step: string;
  /** Key path relative to the steps list, e.g. [1, 'map', 'costCenter']. */
  path: (string | number)[];
}

export interface Pipeline {
  /** Lower-cased source attributes the steps read, sorted: fetch exactly these. */
  readonly referencedAttributes: readonly string[];
  /** The profile attributes the steps set, in step order (a hook may set others: not listed). */
  readonly profileWrites: readonly ProfileWrite[];
  /** A hook runs: it may set attributes `profileWrites` does not list. */
  readonly setsUnlistedAttributes: boolean;
  /** Whether some step is asynchronous (username, hook, validate.unique). */
  readonly hasAsyncSteps: boolean;
  /** Load and index lookup sources and start hook workers. Call once per run, before `run`. */
  beginRun(): Promise<void>;
  /** Transform one record. Never throws for data problems: they become quarantine outcomes. */
  run(record: SourceRecord, ctx: TransformContext, options?: RunOptions): Promise<TransformOutcome>;
  /** Release lookup indexes and stop hook workers. */
  close(): Promise<void>;
}

export type CompileResult = { ok: true; pipeline: Pipeline } | { ok: false; errors: CompileError[] };
