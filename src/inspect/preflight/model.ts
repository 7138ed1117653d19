/**
 * The preflight report: what a first import would do with every directory record, and the data
 * problems behind it, counted per problem type with a bounded number of examples. The problem rows
 * themselves stream to a CSV file (see collector.ts); only counts and examples stay in memory.
 */
import type { ProfileValue } from '../../okta/profile';

/**
 * What a problem means for the record:
 * - quarantine: the record would stay out of Okta (or, if linked, untouched);
 * - skip: a rule keeps it out of scope;
 * - dropped: an invalid value is left out of the profile, the record syncs without it;
 * - kept: an invalid value is sent as it is (the step says `invalid: keep`);
 * - resolved: a conflict the agent resolves by itself (a username suffix, a link to an Okta user);
 * - warning: worth a look, nothing is lost (a lookup default, a match decided at sync time);
 * - fixed: a value rewritten into shape (whitespace, case, E.164): not a problem, counted apart.
 */
export type Severity = 'quarantine' | 'skip' | 'dropped' | 'kept' | 'resolved' | 'warning' | 'fixed';

export const SEVERITIES: readonly Severity[] = ['quarantine', 'skip', 'dropped', 'kept', 'resolved', 'warning', 'fixed'];

/** Finding types of the transforms, plus what the plan, the reader and the Okta check add. */
export type ProblemType =
  import('../../transform/types').FindingType | 'skipped' | 'quarantined' | 'login.duplicate' | 'directory.rejected' | 'okta.conflict' | 'lifecycle.disabled';

export const PROBLEM_LABELS: Record<ProblemType, string> = {
  'validate.required': 'missing required attribute',
  'email.invalid': 'invalid e-mail address',
  'phone.invalid': 'invalid phone number',
  'validate.unique': 'duplicate value of a unique attribute',
  'username.conflict': 'username conflict',
  'login.duplicate': 'login already used by another record',
  'okta.conflict': 'an Okta user already exists for it (login or match rule)',
  'validate.pattern': 'value does not match its pattern',
  'validate.email': 'not an e-mail address (validate)',
  'validate.e164': 'not an E.164 phone number (validate)',
  'validate.length': 'value too long or too short',
  'validate.characters': 'control or bidirectional-override characters',
  'lookup.no-match': 'lookup: no matching row',
  'lookup.default': 'lookup: default row used',
  'lookup.multiple': 'lookup: several matching rows',
  'hook.error': 'hook failed',
  'hook.timeout': 'hook timed out',
  'hook.quarantine': 'quarantined by a hook',
  'directory.rejected': 'entry rejected by the directory reader',
  skipped: 'skipped by a rule',
  'lifecycle.disabled': 'disabled in the directory: not created',
  quarantined: 'quarantined for another reason',
  'phone.normalized': 'phone number rewritten to E.164',
  'email.normalized': 'e-mail address trimmed or lower-cased',
  'whitespace.normalized': 'white space collapsed',
  'unicode.normalized': 'Unicode normalised (NFC)',
};

/** One problem of one record (a CSV row). */
export interface Problem {
  type: ProblemType;
  severity: Severity;
  /** The transform step (or `directory`, `plan`, `okta`). */
  step: string;
  attribute: string | null;
  /** Value before the step acted; undefined when not applicable. */
  before?: ProfileValue;
  /** Value after (null = dropped); undefined when not applicable. */
  after?: ProfileValue;
  message: string;
  /**
   * A duplicate (validate.unique, username.conflict, login.duplicate): the record of this run that
   * holds the value, when a record does (not the state, not Okta).
   */
  heldBy?: { anchor: string; dn: string };
}

/**
 * What a first import would do with a record: create it, link it to the Okta user its match rules
 * find (okta.match), update a user the state already links, leave it unchanged, change only its
 * status, quarantine it, or skip it.
 */
export type RecordFate = 'create' | 'link' | 'update' | 'unchanged' | 'lifecycle' | 'quarantine' | 'skip' | 'rejected';

export interface ProblemExample {
  dn: string;
  anchor: string;
  login: string | null;
  severity: Severity;
  step: string;
  attribute: string | null;
  before?: ProfileValue;
  after?: ProfileValue;
  message: string;
}

export interface ProblemSummary {
  type: ProblemType;
  label: string;
  /** Records with at least one problem of this type. */
  records: number;
  /** Problems of this type (a record may have several, e.g. two missing attributes). */
  occurrences: number;
  /** Occurrences by severity, in the order of {@link SEVERITIES}. */
  bySeverity: Partial<Record<Severity, number>>;
  examples: ProblemExample[];
}

export interface OktaConflictSummary {
  /** New records that meet an Okta user on first contact (its login, or what a match rule compares). */
  total: number;
  link: number;
  quarantine: number;
  /** Okta status of those users. */
  byStatus: Record<string, number>;
}

export interface PreflightReport {
  startedAt: string;
  durationMs: number;
  source: { id: string; entriesRead: number };
  state: { path: string; exists: boolean; users: number; linked: number };
  /** `mirror`: the refresh of the agent's mirror of Okta (a TEMP copy: the state is not written) the preflight decided from. */
  okta: { orgUrl: string; match: string; requests: number; writes: number; rateLimited: number; mirror: { users: number; full: boolean } };
  /** Records read and what a first import would do with them (fates). */
  records: { read: number } & Record<RecordFate, number>;
  /** Sorted: types with records that would be quarantined first, then by records. `fixed` types last. */
  problems: ProblemSummary[];
  quarantinedByStep: { step: string; records: number }[];
  skippedByStep: { step: string; records: number }[];
  oktaConflicts: OktaConflictSummary;
  examplesPerType: number;
  csv: { path: string; rows: number; includesFixes: boolean } | null;
}

/** Where problem rows go as they come, one row per problem, columns as {@link CSV_HEADER} (a CSV file: src/output/csv.ts). */
export interface ProblemRowWriter {
  readonly path: string;
  /** Rows written so far. */
  readonly rows: number;
  write(cells: readonly unknown[]): void;
}

export const CSV_HEADER = ['dn', 'anchor', 'login', 'outcome', 'problem', 'severity', 'step', 'attribute', 'before', 'after', 'message'] as const;
