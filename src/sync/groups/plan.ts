/**
 * Group planning: read the groups, work out every group's Okta name and members, and diff the
 * members against the memberships the agent applied (`group_members`). Nothing is written to Okta
 * or to the state file: the plan goes to a group spool (TEMP tables on the state connection), so the
 * whole plan — membership removals included — is counted before the first write. The spool fetches
 * rows; the rules (rules.ts) decide; this module applies them in order.
 *
 * Which groups are recomputed:
 * - full run: every group read; state groups not read are gone (their agent-applied memberships
 *   are removed, the Okta group is kept);
 * - incremental run: the groups read (changed since the checkpoint), their ancestors (flatten), the
 *   groups listing a user that became manageable, was renamed or was deleted in this run (and
 *   their ancestors), groups left pending or quarantined by an earlier run, and managed groups
 *   whose Okta members changed (the mirror's refresh read them again: drift).
 *
 * Drift (okta.drift): a membership the agent applied that the group's Okta members (the mirror)
 * no longer show, while the directory still wants it, is counted (`memberDrift`) and with `repair`
 * added again. Members someone added in Okta by hand are never removed. Groups not read are
 *   flattened from their stored direct members.
 *
 * Memory (the directory is never held): one page of groups from the source, a batch of 1,000 of this
 * run's users, a page of rows from the spool, the claims of one group name, and one group's members
 * (its flattened member DNs, desired and applied members) at a time. Incremental runs also hold the
 * anchors of the groups recomputed because of this run's changes (the queue that finds their
 * ancestors): bounded by what changed since the checkpoint, not by the directory.
 */
import type { GroupsConfig } from './schema';
import { normalizeDn } from '../../directory/dn';
import type { GroupSpool } from '../../state/group-spool';
import type { RunUser } from '../../state/group-spool-rows';
import type { GroupPlan, GroupPlanSummary, GroupsRunContext } from './index';
import { flattenMembers, lostMembers } from './members';
import {
  aliasOf,
  directMembersNow,
  goneAction,
  groupAction,
  groupAt,
  groupsListing,
  isGone,
  isRetried,
  memberAt,
  nameCollisions,
  nameTakenInState,
  recomputesListingGroups,
  rejectedGroupOf,
  runGroupOf,
  runUserKind,
  targetIntent,
} from './rules';
import { compileGroupTemplates, nameGroup, type GroupTemplates } from './templates';

/** A user action in the run's spool, as far as group planning reads it. */
interface SpooledUser {
  anchor: string;
  dn?: string;
  kind: string;
  why?: string;
  login?: string | null;
}

export async function planGroupsImpl(ctx: GroupsRunContext, groups: GroupsConfig): Promise<GroupPlan> {
  const compiled = compileGroupTemplates(groups);
  if (compiled.issues.length) {
    throw new Error(`groups: ${compiled.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const spool = ctx.state.groupSpool();
  try {
    return { spool, summary: await planInto(spool, ctx, groups, compiled.templates) };
  } catch (e) {
    spool.close();
    throw e;
  }
}

async function planInto(spool: GroupSpool, ctx: GroupsRunContext, groups: GroupsConfig, templates: GroupTemplates): Promise<GroupPlanSummary> {
  const { state, log } = ctx;
  const { rows } = spool;
  const mirror = state.mirror;
  const incremental = ctx.since !== undefined;
  const nowIso = new Date().toISOString();

  // 1. this run's users: their current DNs, and who becomes manageable (created or linked) this run
  let batch: RunUser[] = [];
  for (const a of ctx.spool.actions<SpooledUser>()) {
    const p = a.payload;
    if (!p.dn || p.anchor.startsWith('dn:')) continue;
    batch.push({ anchor: p.anchor, dnNorm: normalizeDn(p.dn), kind: runUserKind(p), dn: p.dn, login: typeof p.login === 'string' ? p.login : null });
    if (batch.length >= 1000) {
      spool.addRunUsers(batch);
      batch = [];
    }
  }
  if (batch.length) spool.addRunUsers(batch);

  // 2. the groups (all, or those changed since the checkpoint), a page at a time; this run's renames
  let read = 0;
  let rejected = 0;
  for await (const page of ctx.source.groups(ctx.since)) {
    read += page.groups.length;
    rejected += page.rejected.length;
    spool.addRunGroups([...page.groups.map((g) => runGroupOf(g, nameGroup(templates, g, nowIso))), ...page.rejected.map(rejectedGroupOf)]);
  }
  for (const renamed of rows.renamedEntries()) spool.addAliases(renamed.map(aliasOf).filter((a) => a !== null));

  // 3. Okta group names are unique (case-insensitively): one directory group per name
  for (const q of nameCollisions(rows.nameClaims())) spool.setRunGroupQuarantine(q.anchor, q.reason);
  if (incremental) {
    for (const page of rows.runGroups()) {
      for (const g of page) {
        const reason = g.nameNorm === null ? null : nameTakenInState(g, rows.stateGroupsNamed(g.nameNorm));
        if (reason) spool.setRunGroupQuarantine(g.anchor, reason);
      }
    }
  }

  // 4. which groups to recompute
  for (const page of rows.runGroups()) for (const g of page) spool.addTarget(g.anchor);
  if (incremental) {
    const seeds: string[] = [];
    for (const page of rows.runGroups()) seeds.push(...page.map((g) => g.anchor));
    const listedIn = (dn: string) => groupsListing(dn, rows.listing(dn));
    const recompute = (dn: string) => {
      for (const g of listedIn(dn)) if (spool.addTarget(g)) seeds.push(g);
    };
    for (const users of rows.runUsers()) for (const u of users) if (recomputesListingGroups(u.kind)) recompute(u.dnNorm);
    for (const aliases of rows.aliases()) {
      for (const a of aliases) {
        recompute(a.oldDn);
        recompute(a.newDn);
      }
    }
    if (groups.nested === 'flatten') {
      // ancestors: a nested group's members are members of every group above it
      const queue = seeds;
      while (queue.length) {
        const g = queue.pop()!;
        const dn = spool.runGroup(g)?.dnNorm ?? state.groups.get(g)?.dnNorm;
        if (!dn) continue;
        for (const parent of listedIn(dn)) if (spool.addTarget(parent)) queue.push(parent);
      }
    }
    for (const page of rows.retryCandidates()) for (const g of page) if (isRetried(g)) spool.addTarget(g.anchor);
    // managed groups whose Okta members changed (the mirror read them again): a removal made in Okta is drift
    for (const oktaId of ctx.oktaMembersRead ?? []) {
      const g = state.groups.byOktaId(oktaId);
      if (g && g.removedRun === null) spool.addTarget(g.anchor);
    }
  }

  // 5. plan each target: group action + membership diff
  const lookups = {
    groupOfDn: (dn: string) => groupAt(rows.groupsAt(dn), incremental),
    directMembers: (anchor: string) => directMembersNow(rows.directMembers(anchor)),
  };
  let cycles = 0;
  let memberDrift = 0;
  const drift = ctx.config.okta.drift;
  /** Applied memberships Okta no longer shows (only for groups whose Okta members the mirror knows). */
  const driftOf = (oktaId: string, applied: readonly string[], desired: ReadonlySet<string>): string[] => {
    if (drift === 'ignore' || !applied.length || !mirror.groups.membersKnown(oktaId)) return [];
    const users = state.users.getMany(applied);
    return lostMembers(applied, desired, (u) => {
      const id = users.get(u)?.oktaId;
      return !id || mirror.groups.isMember(oktaId, id);
    });
  };
  for (const anchors of spool.targets()) {
    for (const anchor of anchors) {
      const row = state.groups.get(anchor);
      const intent = targetIntent(anchor, spool.runGroup(anchor), row);
      const desired = new Set<string>();
      if (intent.kind === 'members') {
        const flat = flattenMembers(anchor, lookups, groups.nested);
        if (flat.cycle) cycles++;
        for (const dn of flat.memberDns) {
          const u = memberAt(rows.usersAt(dn));
          if (u?.eligible) desired.add(u.anchor);
        }
      }
      let applied = intent.kind === 'members' ? state.groups.appliedMembers(anchor) : [];
      const lost = row?.oktaId ? driftOf(row.oktaId, applied, desired) : [];
      memberDrift += lost.length;
      // repaired: a lost membership counts as not applied, so it is added again
      if (lost.length && drift === 'repair') applied = applied.filter((u) => !lost.includes(u));
      const planned = groupAction(intent, row, desired, applied);
      spool.addPlanned(anchor, planned.kind, planned.payload, planned.ops);
    }
  }

  // 6. groups gone from the directory: the memberships the agent applied are removed; the Okta group stays
  for (const page of rows.stateGroups()) {
    for (const g of page) {
      if (!isGone(g, !incremental)) continue;
      const planned = goneAction(g, state.groups.appliedMembers(g.anchor));
      spool.addPlanned(g.anchor, planned.kind, planned.payload, planned.ops);
    }
  }

  const c = spool.counts();
  const summary: GroupPlanSummary = {
    read,
    creates: c.actions.ensure ?? 0,
    updates: c.actions.rename ?? 0,
    memberAdds: c.adds,
    memberRemoves: c.removes,
    memberDrift,
    quarantined: c.actions.quarantine ?? 0,
  };
  log.info('groups planned', {
    ...summary,
    rejected,
    gone: c.actions.gone ?? 0,
    mode: incremental ? 'incremental' : 'full',
    ...(cycles ? { cycles } : {}),
  });
  return summary;
}
