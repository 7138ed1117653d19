/**
 * The group-planning rules, as pure functions over rows: the group spool and the state fetch rows by
 * key (src/state/group-spool-rows.ts), these decide. plan.ts applies them in order; each is unit-tested
 * on its own (test/unit/sync/groups/rules.test.ts).
 *
 * - which user a member DN names, and whether it can be an Okta member ({@link memberAt});
 * - which group in scope a DN names ({@link groupAt}), a group's direct members now
 *   ({@link directMembersNow}) and the groups that list a DN ({@link groupsListing});
 * - this run's renames ({@link aliasOf});
 * - Okta group names are unique ignoring case: who keeps a name ({@link nameCollisions},
 *   {@link nameTakenInState});
 * - which groups are recomputed ({@link recomputesListingGroups}, {@link isRetried}) or left the
 *   directory ({@link isGone});
 * - the action per group and its membership operations ({@link targetIntent}, {@link groupAction},
 *   {@link goneAction}).
 */
import type { GroupPage, SourceGroup } from '../../directory/source';
import { normalizeDn } from '../../directory/dn';
import type { GroupRow } from '../../state/group-store';
import type {
  Alias,
  DirectMemberRows,
  GroupAtDn,
  ListingRow,
  NameClaim,
  RenamedEntry,
  RunGroupRow,
  RunUserKind,
  StateGroupRow,
  StateNameRow,
  UserAtDn,
} from '../../state/group-spool-rows';
import { diffMembership, memberDnOf } from './members';
import { groupNameKey, type GroupNaming } from './templates';

/** Payloads of the planned group actions. */
export interface EnsurePayload {
  dn: string;
  name: string;
  description: string | null;
}
export interface RenamePayload extends EnsurePayload {
  oktaId: string;
  from: { name: string | null; description: string | null };
}
export interface KeepPayload {
  dn: string;
  oktaId: string;
}
export interface GonePayload {
  dn: string;
  oktaId: string | null;
}
export interface QuarantinePayload {
  dn: string;
  reason: string;
}

export interface MemberOp {
  op: 'add' | 'remove';
  userAnchor: string;
}

/** One group's planned action and membership operations. */
export type PlannedGroup =
  | { kind: 'ensure'; payload: EnsurePayload; ops: MemberOp[] }
  | { kind: 'rename'; payload: RenamePayload; ops: MemberOp[] }
  | { kind: 'keep'; payload: KeepPayload; ops: MemberOp[] }
  | { kind: 'gone'; payload: GonePayload; ops: MemberOp[] }
  | { kind: 'quarantine'; payload: QuarantinePayload; ops: [] };

// ---- this run's entries ----

/** How a user action of the run's spool takes part in memberships (a link makes its user manageable, as a create does). */
export function runUserKind(a: { kind: string; why?: string }): RunUserKind {
  if (a.kind === 'create' || a.kind === 'link') return 'create';
  // deleted or moved out of scope: the DN the state knows names no user any more
  if (a.kind === 'missing') return a.why === 'deleted in the directory' || a.why === 'moved out of scope' ? 'deleted' : 'missing';
  return 'seen';
}

/** A directory group as this run's plan holds it: its Okta name, or why it has none; its direct member DNs. */
export function runGroupOf(g: SourceGroup, naming: GroupNaming): { row: RunGroupRow; members: string[] } {
  const members = new Set<string>();
  for (const v of g.members) {
    const dn = memberDnOf(v);
    if (dn) members.add(dn);
  }
  const row: RunGroupRow = {
    anchor: g.anchor,
    dn: g.dn,
    dnNorm: normalizeDn(g.dn),
    name: naming.ok ? naming.name : null,
    description: naming.ok ? naming.description : null,
    nameNorm: naming.ok ? groupNameKey(naming.name) : null,
    quarantine: naming.ok ? null : naming.reason,
  };
  return { row, members: [...members] };
}

/** An entry the directory source rejected (no anchor, …): quarantined under its DN, no members. */
export function rejectedGroupOf(r: GroupPage['rejected'][number]): { row: RunGroupRow; members: string[] } {
  const row = {
    anchor: `dn:${r.dn}`,
    dn: r.dn,
    dnNorm: normalizeDn(r.dn),
    name: null,
    description: null,
    nameNorm: null,
    quarantine: `directory: ${r.reason}`,
  };
  return { row, members: [] };
}

/**
 * A DN change of this run that renames entries in stored member lists: a group's, or a user's that is
 * in the directory (seen or planned for creation; a missing or deleted user's DN is the state's).
 * Two renames from one old DN: the spool keeps the first recorded (users are recorded first).
 */
export function aliasOf(e: RenamedEntry): Alias | null {
  if (e.entry === 'user' && e.runKind !== 'seen' && e.runKind !== 'create') return null;
  return { oldDn: e.oldDn, newDn: e.newDn, anchor: e.anchor, kind: e.entry };
}

// ---- members ----

const RUN_USER_RANK: Record<RunUserKind, number> = { create: 0, seen: 0, missing: 1, deleted: 2 };

/**
 * The user a member DN names, and whether it can be an Okta member. This run's users come first: one
 * in the directory before one missing, before one deleted in the directory; a member if linked in Okta
 * or planned for creation, never if deleted. Else a user of the state that is not one of this run's
 * (a linked one first): a member if linked.
 */
export function memberAt(rows: readonly UserAtDn[]): { anchor: string; eligible: boolean } | undefined {
  let run: Extract<UserAtDn, { source: 'run' }> | undefined;
  let state: Extract<UserAtDn, { source: 'state' }> | undefined;
  for (const r of rows) {
    if (r.source === 'run') {
      if (!run || RUN_USER_RANK[r.kind] < RUN_USER_RANK[run.kind]) run = r;
    } else if (!r.inRun && (!state || (state.oktaId === null && r.oktaId !== null))) state = r;
  }
  if (run) return { anchor: run.anchor, eligible: run.kind !== 'deleted' && (run.oktaId !== null || run.kind === 'create') };
  if (state) return { anchor: state.anchor, eligible: state.oktaId !== null };
  return undefined;
}

/**
 * The group in scope a DN names: one read this run; on incremental runs also one the state knows
 * that was not read again and has not left the directory. (A full run reads every group in scope.)
 */
export function groupAt(rows: readonly GroupAtDn[], incremental: boolean): string | undefined {
  const run = rows.find((r) => r.source === 'run');
  if (run) return run.anchor;
  if (!incremental) return undefined;
  return rows.find((r) => r.source === 'state' && !r.removed && !r.readThisRun)?.anchor;
}

/** A group's direct member DNs now: as read this run, else as stored with this run's renames applied. */
export function directMembersNow(rows: DirectMemberRows): string[] {
  return rows.readThisRun ? rows.run : rows.stored.map((m) => m.renamedTo ?? m.dn);
}

/**
 * The groups in scope whose direct members include this DN: as read this run, and (the caller is an
 * incremental run) groups not read again, still in the directory, whose stored members list the DN
 * or a DN renamed to it this run.
 */
export function groupsListing(dn: string, rows: readonly ListingRow[]): string[] {
  const out = new Set<string>();
  for (const r of rows) if (r.source === 'run') out.add(r.anchor);
  for (const r of rows) {
    if (r.source === 'state' && !r.removed && !r.readThisRun && (r.memberDn === dn || r.renamedTo === dn)) out.add(r.anchor);
  }
  return [...out];
}

// ---- names ----

/** Order of SQLite's BINARY collation (code points, as UTF-8 bytes compare), not JavaScript's UTF-16 order. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // a surrogate (half of a character above U+FFFF) comes after every other UTF-16 unit in code point order
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    return sx === sy ? x - y : sx ? 1 : -1;
  }
  return a.length - b.length;
}

const holdsItsName = (c: NameClaim) => c.oktaId !== null && c.oktaName !== null && groupNameKey(c.oktaName) === c.nameNorm;

/** Who keeps a name: the group already holding an Okta group of that name, else the first by DN (then anchor). */
function before(a: NameClaim, b: NameClaim): boolean {
  const ha = holdsItsName(a);
  if (ha !== holdsItsName(b)) return ha;
  return (compareCodePoints(a.dnNorm, b.dnNorm) || compareCodePoints(a.anchor, b.anchor)) < 0;
}

export const nameTakenReason = (name: string, holderDn: string) =>
  `the name "${name}" is also the name of directory group ${holderDn} (Okta group names are unique, compared ignoring case)`;

/**
 * Okta group names are unique ignoring case: of this run's groups that want one name, one keeps it and
 * the others are quarantined. `claims` come ordered by name key, so the claims of one name are
 * adjacent: memory holds the claims of one name at a time. Groups already quarantined claim nothing.
 */
export function* nameCollisions(claims: Iterable<NameClaim>): Generator<{ anchor: string; reason: string }> {
  let same: NameClaim[] = [];
  const settle = function* () {
    if (same.length < 2) return;
    const holder = same.reduce((h, c) => (before(c, h) ? c : h));
    for (const c of same) if (c !== holder) yield { anchor: c.anchor, reason: nameTakenReason(c.name!, holder.dn) };
  };
  for (const c of claims) {
    if (c.quarantine !== null) continue;
    if (same.length && same[0].nameNorm !== c.nameNorm) {
      yield* settle();
      same = [];
    }
    same.push(c);
  }
  yield* settle();
}

/**
 * Incremental runs: a group read this run wants a name that a group the state knows, not read again
 * and still in the directory, holds in Okta or wants (and is not itself quarantined without an Okta
 * group): the reason to quarantine the group read, or null.
 */
export function nameTakenInState(g: RunGroupRow, rows: readonly StateNameRow[]): string | null {
  if (g.quarantine !== null || g.nameNorm === null) return null;
  const holder = rows.find(
    (r) =>
      r.anchor !== g.anchor &&
      !r.removed &&
      !r.readThisRun &&
      (r.oktaId !== null || !r.quarantined) &&
      (r.nameNorm === g.nameNorm || (r.oktaId !== null && r.name !== null && groupNameKey(r.name) === g.nameNorm)),
  );
  return holder ? nameTakenReason(g.name!, holder.dn) : null;
}

// ---- which groups are recomputed ----

/** Incremental runs: the groups listing a user planned for creation, or deleted in the directory, are recomputed. */
export const recomputesListingGroups = (kind: RunUserKind) => kind === 'create' || kind === 'deleted';

/** Incremental runs: a group left pending (a write failed, the run stopped) or quarantined by an earlier run is retried. */
export const isRetried = (g: StateGroupRow) => (g.pending || g.quarantine !== null) && g.removedRun === null && !g.anchor.startsWith('dn:') && !g.readThisRun;

/**
 * A group no longer in the directory: on a full run, a state group not read (and not found gone
 * before); on any run, a group found gone earlier whose memberships are not all removed yet.
 */
export const isGone = (g: StateGroupRow, full: boolean) =>
  !g.readThisRun && ((full && g.removedRun === null) || (g.removedRun !== null && g.hasAppliedMembers));

// ---- the plan per group ----

export type TargetIntent = { kind: 'quarantine'; dn: string; reason: string } | { kind: 'members'; dn: string; name: string; description: string | null };

/**
 * What a recomputed group is to become: quarantined (the plan's reason for a group read this run; for
 * one not read again, no wanted name), or the wanted name and description (this run's, else the state's).
 */
export function targetIntent(anchor: string, run: RunGroupRow | undefined, row: GroupRow | undefined): TargetIntent {
  const dn = run?.dn ?? row?.dn ?? anchor;
  if (run) return run.quarantine ? { kind: 'quarantine', dn, reason: run.quarantine } : { kind: 'members', dn, name: run.name!, description: run.description };
  if (!row) throw new Error(`group planning: ${anchor} is neither read this run nor in the state`);
  if (!row.wantName) return { kind: 'quarantine', dn, reason: row.quarantine?.reason ?? 'the name template gave no value for this group' };
  return { kind: 'members', dn, name: row.wantName, description: row.wantDescription ?? null };
}

/**
 * The action for a recomputed group and its membership operations (adds, then removes, each sorted):
 * quarantine (no operation); ensure (no Okta group yet: create, or take over on first contact); rename
 * (the templates give another name or description than applied); keep. Only memberships the agent
 * applied in the group's Okta group (`applied`) are ever removed.
 */
export function groupAction(intent: TargetIntent, row: GroupRow | undefined, desired: Iterable<string>, applied: readonly string[]): PlannedGroup {
  const { dn } = intent;
  if (intent.kind === 'quarantine') return { kind: 'quarantine', payload: { dn, reason: intent.reason }, ops: [] };
  const { name, description } = intent;
  const diff = diffMembership(desired, row?.oktaId ? applied : []);
  const ops: MemberOp[] = [
    ...diff.add.map((u) => ({ op: 'add' as const, userAnchor: u })),
    ...diff.remove.map((u) => ({ op: 'remove' as const, userAnchor: u })),
  ];
  if (!row?.oktaId) return { kind: 'ensure', payload: { dn, name, description }, ops };
  if (row.name !== name || (row.description ?? null) !== description) {
    return { kind: 'rename', payload: { dn, name, description, oktaId: row.oktaId, from: { name: row.name, description: row.description } }, ops };
  }
  return { kind: 'keep', payload: { dn, oktaId: row.oktaId }, ops };
}

/** A group that left the directory: the memberships the agent applied are removed; the Okta group stays. */
export function goneAction(g: GroupRow, applied: readonly string[]): PlannedGroup {
  const ops = g.oktaId !== null ? applied.map((u) => ({ op: 'remove' as const, userAnchor: u })) : [];
  return { kind: 'gone', payload: { dn: g.dn, oktaId: g.oktaId }, ops };
}
