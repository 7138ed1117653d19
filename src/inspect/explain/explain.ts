/**
 * `explain <anchor | login | DN>`: one user, from the directory's values through every transform
 * step to the profile the next sync would send, and what the state says the agent did with it.
 *
 * The key is looked up in the directory (`findUsers`: anchor, DN or a login-like attribute, always
 * escaped) and in the state (`users.find`: anchor, login, Okta id or DN). Exactly one user (one
 * anchor) must match; a user the state knows but the directory no longer shows is explained from
 * the state alone. Nothing is written: the state is opened read-only by the caller, login and
 * unique-value claims go to the spool's temp tables, and Okta is only read: the agent's mirror of
 * Okta is refreshed into a TEMP copy (one request when the state has a mirror), and the record is
 * decided from it as a sync decides (logins taken, first contact, drift). The record is transformed
 * alone: claims other records of a full run would make before it are not seen, the agent's state
 * and Okta are.
 *
 * What the last run did with the user is inferred from the state row (the state keeps no per-user
 * history): created or linked when the row was created during that run, quarantined when the
 * quarantine names that run, written when the row changed during it, read with nothing to do when
 * it was seen, not read otherwise (an incremental run reads only what changed).
 */
import type { DirectorySource } from '../../directory/source';
import type { SourceRecord } from '../../directory/types';
import type { Profile, ProfileValue } from '../../okta/profile';
import type { UserSchema } from '../../okta/user-schema';
import type { RunConfig } from '../../sync/schema';
import type { JournalEntry, RunRow, StateStore, UserRow } from '../../state/store';
import { diffProfiles } from '../../sync/plan/plan';
import type { Action, AttributeChange } from '../../sync/plan/types';
import { refreshFor, type MirrorReader } from '../../sync/mirror/refresh';
import { RecordPath } from '../../sync/record';
import { userSchemaForRun } from '../../sync/user-schema';
import type { Finding, Pipeline, TraceStep, TransformOutcome } from '../../transform';
import type { Logger } from '../../util/log';

export interface ExplainDeps {
  config: RunConfig;
  source: DirectorySource;
  /** Opened read-only. */
  state: StateStore;
  pipeline: Pipeline;
  /** Okta reads: the mirror's refresh, the user schema. */
  okta: MirrorReader;
  log: Logger;
  now?: () => Date;
}

export interface Candidate {
  anchor: string;
  dn: string;
  foundIn: ('directory' | 'state')[];
}

export interface ExplainedStep {
  step: string;
  kind: TraceStep['kind'];
  changed: Record<string, { before: ProfileValue | undefined; after: ProfileValue }>;
  note?: string;
  /** The step ended the record (skip or quarantine). */
  outcome?: 'skip' | 'quarantine';
  findings: Finding[];
}

export interface NextSync {
  action: Action['kind'];
  /** create: every attribute sent; update: only the changed ones (before = last applied in Okta); link, drift: before = Okta's value. */
  changes: AttributeChange[];
  /** Attributes whose Okta value differs from the directory's although the directory did not change them. */
  drift?: string[];
  /** quarantine / skip: the step and the reason. */
  step?: string;
  reason?: string;
  /** lifecycle: the status change the directory asks for. */
  lifecycle?: string | null;
  summary: string;
}

export interface LastRun {
  id: number;
  mode: string;
  outcome: string;
  startedAt: string;
  endedAt: string | null;
  /** What it did with this user (inferred from the state row, see the module comment). */
  did: string;
}

export interface Explanation {
  kind: 'found';
  key: string;
  anchor: string;
  dn: string;
  foundIn: ('directory' | 'state')[];
  inDirectory: boolean;
  disabled: boolean | null;
  /** Values of the source attributes the transforms read. */
  source: Record<string, string[]>;
  steps: ExplainedStep[];
  outcome: { kind: TransformOutcome['kind']; step?: string; reason?: string; login?: string } | null;
  /** The final profile as a sync sends it (attributes without a value left out), for an ok outcome. */
  profile: Profile | null;
  /** The profile last applied in Okta, per the state. */
  applied: Profile | null;
  next: NextSync | null;
  state: Omit<UserRow, 'profile'> | null;
  lastRun: LastRun | null;
  /** Okta writes of an interrupted run for this user, resolved at the next start. */
  pendingWrites: JournalEntry[];
}

export type ExplainResult = Explanation | { kind: 'not-found'; key: string } | { kind: 'ambiguous'; key: string; candidates: Candidate[] };

export async function explainKey(deps: ExplainDeps, key: string): Promise<ExplainResult> {
  const { source, state } = deps;
  await source.open();
  const refreshed = await refreshFor(deps);
  const found = new Map<string, { record?: SourceRecord; row?: UserRow; foundIn: Set<'directory' | 'state'> }>();
  const entry = (anchor: string) => {
    let e = found.get(anchor);
    if (!e) found.set(anchor, (e = { foundIn: new Set() }));
    return e;
  };
  for (const r of await source.findUsers(key)) {
    const e = entry(r.anchor);
    e.record = r;
    e.foundIn.add('directory');
  }
  const row = state.users.find(key);
  if (row) {
    const e = entry(row.anchor);
    e.row = row;
    e.foundIn.add('state');
    if (!e.record) {
      // the key named the user only in the state (its Okta login, its Okta id): read its entry by anchor, then by DN
      for (const k of [row.anchor, row.dn]) {
        const r = (await source.findUsers(k)).find((x) => x.anchor === row.anchor);
        if (r) {
          e.record = r;
          break;
        }
      }
    }
  }
  if (found.size === 0) return { kind: 'not-found', key };
  if (found.size > 1) {
    return {
      kind: 'ambiguous',
      key,
      candidates: [...found.entries()].map(([anchor, e]) => ({ anchor, dn: e.record?.dn ?? e.row?.dn ?? '', foundIn: [...e.foundIn] })),
    };
  }
  const [[anchor, e]] = [...found.entries()];
  const userRow = e.row ?? state.users.get(anchor);
  return explainUser(deps, key, anchor, e.record, userRow, [...e.foundIn], refreshed.schema);
}

async function explainUser(
  deps: ExplainDeps,
  key: string,
  anchor: string,
  record: SourceRecord | undefined,
  row: UserRow | undefined,
  foundIn: ('directory' | 'state')[],
  readSchema: UserSchema | undefined,
): Promise<Explanation> {
  const { state, pipeline, config } = deps;
  let outcome: TransformOutcome | null = null;
  let profile: Profile | null = null;
  let next: NextSync | null = null;
  if (record) {
    const schema = await userSchemaForRun({ oktaClient: deps.okta, state, log: deps.log, pipeline, okta: config.okta }, readSchema);
    const spool = state.spool();
    try {
      const path = await RecordPath.begin({
        pipeline,
        state,
        spool,
        okta: { mirror: state.mirror, config: config.okta },
        lifecycle: config.lifecycle,
        schema,
        now: deps.now,
      });
      const [planned] = (await path.planPage({ records: [record], rejected: [] }, { trace: true })).records;
      outcome = planned.outcome;
      if (planned.desired.kind === 'ok') profile = planned.desired.profile;
      next = describeNext(planned.action);
    } finally {
      spool.close();
    }
  }
  const findings = outcome?.findings ?? [];
  const steps: ExplainedStep[] = (outcome?.trace?.steps ?? []).map((s) => {
    const out: ExplainedStep = { step: s.step, kind: s.kind, changed: s.changed, findings: findings.filter((f) => f.step === s.step) };
    if (s.note) out.note = s.note;
    if (s.outcome) out.outcome = s.outcome;
    return out;
  });
  let stateView: Explanation['state'] = null;
  if (row) {
    const { profile: _profile, ...rest } = row;
    stateView = rest;
  }
  return {
    kind: 'found',
    key,
    anchor,
    dn: record?.dn ?? row?.dn ?? '',
    foundIn,
    inDirectory: !!record,
    disabled: record ? record.disabled : null,
    source: outcome?.trace?.source ?? {},
    steps,
    outcome: outcome
      ? outcome.kind === 'ok'
        ? { kind: 'ok', login: outcome.login }
        : { kind: outcome.kind, step: outcome.step, reason: outcome.reason }
      : null,
    profile,
    applied: row?.profile ?? null,
    next,
    state: stateView,
    lastRun: lastRunFor(deps.state.runs.latest(1)[0], row),
    pendingWrites: deps.state.journal.pending().filter((j) => j.anchor === anchor),
  };
}

function describeNext(a: Action): NextSync {
  switch (a.kind) {
    case 'create':
      return {
        action: 'create',
        changes: diffProfiles(null, a.profile),
        lifecycle: a.disabled ? 'disable' : null,
        summary: `create the Okta user ${a.login}${a.disabled ? ', then disable it (disabled in the directory)' : ''}`,
      };
    case 'link':
      return {
        action: 'link',
        changes: a.changes,
        lifecycle: a.disabled ? 'disable' : null,
        summary: `link the existing Okta user ${a.oktaId} (login "${a.oktaLogin}", ${a.oktaStatus}, ${a.how})${a.changes.length ? ` and update ${plural(a.changes.length, 'attribute')} (${a.changes.map((c) => c.attribute).join(', ')})` : ''}${a.disabled ? ', then disable it (disabled in the directory)' : ''}`,
      };
    case 'drift':
      return {
        action: 'drift',
        changes: a.changes,
        drift: a.drift,
        summary: `${a.repair ? 'repair drift: put back' : 'drift (okta.drift: report, not changed):'} ${plural(a.changes.length, 'attribute')} someone changed in Okta (${a.changes.map((c) => c.attribute).join(', ')}) of Okta user ${a.oktaId}`,
      };
    case 'update': {
      const names = a.changes.map((c) => c.attribute).join(', ');
      const status = a.lifecycle ? `; ${a.lifecycle === 'disable' ? 'disable it (disabled in the directory)' : 'enable it again'}` : '';
      const drift = a.drift?.length ? `; ${a.drift.join(', ')} drifted in Okta` : '';
      return {
        action: 'update',
        changes: a.changes,
        lifecycle: a.lifecycle,
        ...(a.drift?.length ? { drift: a.drift } : {}),
        summary: `update ${plural(a.changes.length, 'attribute')} of Okta user ${a.oktaId} (${names})${status}${drift}${a.previousDn ? `; DN changed from ${a.previousDn}` : ''}`,
      };
    }
    case 'unchanged':
      return {
        action: 'unchanged',
        changes: [],
        summary: `nothing to send: Okta has this profile${a.previousDn ? ` (the DN changed from ${a.previousDn}: state only)` : ''}${a.wasQuarantined ? '; leaves quarantine' : ''}`,
      };
    case 'lifecycle':
      return {
        action: 'lifecycle',
        changes: [],
        lifecycle: a.op,
        summary: a.op === 'disable' ? 'disable the Okta user (disabled in the directory)' : 'enable the Okta user again',
      };
    case 'quarantine':
      return {
        action: 'quarantine',
        changes: [],
        step: a.step,
        reason: a.reason,
        summary: `quarantine it at step ${a.step}: ${a.reason}${a.oktaId ? ` (Okta user ${a.oktaId} stays as it is)` : ' (nothing is sent to Okta)'}`,
      };
    case 'skip':
      return { action: 'skip', changes: [], step: a.step, reason: a.reason, summary: `skip it (${a.step}): ${a.reason}` };
    case 'missing':
      return { action: 'missing', changes: [], summary: `count it missing (${a.missingRuns} runs)` };
  }
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** What the last run did with this user, from the state row (see the module comment). */
export function lastRunFor(run: RunRow | undefined, row: UserRow | undefined): LastRun | null {
  if (!run) return null;
  const base = { id: run.id, mode: run.mode, outcome: run.outcome, startedAt: run.startedAt, endedAt: run.endedAt };
  const during = (t: string) => t >= run.startedAt && (run.endedAt === null || t <= run.endedAt);
  let did: string;
  if (!row) did = 'nothing recorded for this user (never linked or quarantined: new, skipped by a rule, or out of scope)';
  else if (row.quarantine && row.quarantine.run === run.id) did = `quarantined it at step ${row.quarantine.step}: ${row.quarantine.reason}`;
  else if (during(row.createdAt) && row.link === 'created') did = `created it in Okta (${row.oktaId})`;
  else if (during(row.createdAt) && row.link === 'linked') did = `linked it to the existing Okta user ${row.oktaId}`;
  else if (during(row.updatedAt) && row.missingRuns > 0 && row.lastSeenRun !== run.id)
    did = `did not find it in the directory (missing for ${row.missingRuns} run${row.missingRuns === 1 ? '' : 's'})`;
  else if (during(row.updatedAt)) did = 'changed it (profile update, status change, rename, or release from quarantine)';
  else if (row.lastSeenRun === run.id) did = 'read it: nothing to change';
  else if (run.mode === 'incremental') did = 'did not read it (an incremental run reads only entries changed in the directory)';
  else did = 'did not see it (skipped by a rule, out of scope, or gone from the directory)';
  return { ...base, did };
}
