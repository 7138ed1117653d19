/**
 * Group planning: read the groups, work out every group's Okta name and members, and diff the
 * members against the memberships the agent applied (`group_members`). Nothing is written to Okta
 * or to the state file: the plan goes to TEMP tables on the state connection
 * ({@link GroupPlanTables}), so the whole plan — membership removals included — is counted before
 * the first write, and memory stays bounded (group pages are streamed; members are held for one
 * group at a time).
 *
 * Which groups are recomputed:
 * - full run: every group read; state groups not read are gone (their agent-applied memberships
 *   are removed, the Okta group is kept);
 * - incremental run: the groups read (changed since the checkpoint), their ancestors (flatten), the
 *   groups listing a user that became manageable, was renamed or was deleted in this run (and
 *   their ancestors), and groups left pending or quarantined by an earlier run. Groups not read are
 *   flattened from their stored direct members.
 */
import type { GroupsConfig } from './schema';
import type { GroupPlanTables, RunGroupRow, RunUserKind } from '../../state/groups';
import type { GroupsRunContext, GroupPlanSummary } from './index';
import { diffMembership, flattenMembers, memberDnOf } from './members';
import { compileGroupTemplates, groupNameKey, nameGroup } from './templates';
import { normalizeDn } from '../../directory/dn';

/** Payloads of the planned group actions (grp_actions). */
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

/** Plans by run (the run's spool identifies it): applyGroups finds the plan planGroups made. */
const plans = new WeakMap<object, { tables: GroupPlanTables; summary: GroupPlanSummary }>();

export function planOf(spool: object): { tables: GroupPlanTables; summary: GroupPlanSummary } | undefined {
  return plans.get(spool);
}

export function forgetPlan(spool: object): void {
  const p = plans.get(spool);
  plans.delete(spool);
  p?.tables.close();
}

const rejectedAnchor = (dn: string) => `dn:${dn}`;

/** A user action in the run's spool, as far as group planning reads it. */
interface SpooledUser {
  anchor: string;
  dn?: string;
  kind: string;
  why?: string;
  login?: string | null;
}

function runUserKind(a: SpooledUser): RunUserKind {
  if (a.kind === 'create') return 'create';
  if (a.kind === 'missing') return a.why === 'deleted in the directory' ? 'deleted' : 'missing';
  return 'seen';
}

export async function planGroupsImpl(ctx: GroupsRunContext, groups: GroupsConfig): Promise<GroupPlanSummary> {
  const { state, log } = ctx;
  const incremental = ctx.since !== undefined;
  const compiled = compileGroupTemplates(groups);
  if (compiled.issues.length) {
    throw new Error(`groups: ${compiled.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  forgetPlan(ctx.spool);
  const tables = state.groups.planTables();
  const nowIso = new Date().toISOString();

  // 1. this run's users: their current DNs, and who becomes manageable (created or linked) this run
  let batch: { anchor: string; dnNorm: string; kind: RunUserKind; dn: string; login: string | null }[] = [];
  for (const a of ctx.spool.actions<SpooledUser>()) {
    const p = a.payload;
    if (!p.dn || p.anchor.startsWith('dn:')) continue;
    batch.push({ anchor: p.anchor, dnNorm: normalizeDn(p.dn), kind: runUserKind(p), dn: p.dn, login: typeof p.login === 'string' ? p.login : null });
    if (batch.length >= 1000) {
      tables.addRunUsers(batch);
      batch = [];
    }
  }
  if (batch.length) tables.addRunUsers(batch);

  // 2. the groups (all, or those changed since the checkpoint), a page at a time
  let read = 0;
  let rejected = 0;
  for await (const page of ctx.source.groups(ctx.since)) {
    const rows: { row: RunGroupRow; members: string[] }[] = [];
    for (const g of page.groups) {
      read++;
      const naming = nameGroup(compiled.templates, g, nowIso);
      const members = new Set<string>();
      for (const v of g.members) {
        const dn = memberDnOf(v);
        if (dn) members.add(dn);
      }
      rows.push({
        row: {
          anchor: g.anchor,
          dn: g.dn,
          dnNorm: normalizeDn(g.dn),
          name: naming.ok ? naming.name : null,
          description: naming.ok ? naming.description : null,
          nameNorm: naming.ok ? groupNameKey(naming.name) : null,
          quarantine: naming.ok ? null : naming.reason,
        },
        members: [...members],
      });
    }
    for (const r of page.rejected) {
      rejected++;
      rows.push({
        row: {
          anchor: rejectedAnchor(r.dn),
          dn: r.dn,
          dnNorm: normalizeDn(r.dn),
          name: null,
          description: null,
          nameNorm: null,
          quarantine: `directory: ${r.reason}`,
        },
        members: [],
      });
    }
    tables.addRunGroups(rows);
  }
  tables.computeAliases();

  // 3. Okta group names are unique (case-insensitively): one directory group per name
  for (const c of tables.nameCollisions()) {
    tables.setRunGroupQuarantine(
      c.anchor,
      `the name "${c.name}" is also the name of directory group ${c.holderDn} (Okta group names are unique, compared ignoring case)`,
    );
  }
  if (incremental) {
    for (const anchors of tables.runGroupAnchors()) {
      for (const anchor of anchors) {
        const g = tables.runGroup(anchor)!;
        if (g.quarantine || !g.nameNorm) continue;
        const holder = tables.stateNameHolder(g.nameNorm, anchor);
        if (holder)
          tables.setRunGroupQuarantine(
            anchor,
            `the name "${g.name}" is also the name of directory group ${holder.dn} (Okta group names are unique, compared ignoring case)`,
          );
      }
    }
  }

  // 4. which groups to recompute
  for (const anchors of tables.runGroupAnchors()) for (const a of anchors) tables.addTarget(a);
  if (incremental) {
    const seeds: string[] = [];
    for (const anchors of tables.runGroupAnchors()) seeds.push(...anchors);
    for (const dns of tables.affectedUserDns()) {
      for (const dn of dns) for (const g of tables.groupsListing(dn, true)) if (tables.addTarget(g)) seeds.push(g);
    }
    if (groups.nested === 'flatten') {
      // ancestors: a nested group's members are members of every group above it
      const queue = seeds;
      while (queue.length) {
        const g = queue.pop()!;
        const dn = tables.runGroup(g)?.dnNorm ?? state.groups.get(g)?.dnNorm;
        if (!dn) continue;
        for (const parent of tables.groupsListing(dn, true)) if (tables.addTarget(parent)) queue.push(parent);
      }
    }
    for (const anchors of tables.retryGroups()) for (const a of anchors) tables.addTarget(a);
  }

  // 5. plan each target: group action + membership diff
  const lookups = {
    groupOfDn: (dn: string) => tables.groupOfDn(dn, incremental),
    directMembers: (anchor: string) => tables.directMembers(anchor),
  };
  let cycles = 0;
  for (const anchors of tables.targets()) {
    for (const anchor of anchors) {
      const run = tables.runGroup(anchor);
      const row = state.groups.get(anchor);
      const dn = run?.dn ?? row?.dn ?? anchor;
      const quarantine = run ? run.quarantine : row && !row.wantName ? (row.quarantine?.reason ?? 'the name template gave no value for this group') : null;
      if (quarantine) {
        tables.addPlanned(anchor, 'quarantine', { dn, reason: quarantine } satisfies QuarantinePayload, []);
        continue;
      }
      const name = (run ? run.name : row!.wantName)!;
      const description = run ? run.description : (row?.wantDescription ?? null);
      const flat = flattenMembers(anchor, lookups, groups.nested);
      if (flat.cycle) cycles++;
      const desired = new Set<string>();
      for (const m of flat.memberDns) {
        const u = tables.resolveUser(m);
        if (u?.eligible) desired.add(u.anchor);
      }
      const applied = row?.oktaId ? state.groups.appliedMembers(anchor) : [];
      const diff = diffMembership(desired, applied);
      const ops = [...diff.add.map((u) => ({ op: 'add' as const, userAnchor: u })), ...diff.remove.map((u) => ({ op: 'remove' as const, userAnchor: u }))];
      if (!row?.oktaId) {
        tables.addPlanned(anchor, 'ensure', { dn, name, description } satisfies EnsurePayload, ops);
      } else if (row.name !== name || (row.description ?? null) !== description) {
        tables.addPlanned(
          anchor,
          'rename',
          { dn, name, description, oktaId: row.oktaId, from: { name: row.name, description: row.description } } satisfies RenamePayload,
          ops,
        );
      } else {
        tables.addPlanned(anchor, 'keep', { dn, oktaId: row.oktaId } satisfies KeepPayload, ops);
      }
    }
  }

  // 6. groups gone from the directory: the memberships the agent applied are removed; the Okta group stays
  for (const rows of tables.goneGroups(!incremental)) {
    for (const g of rows) {
      const ops = g.oktaId ? state.groups.appliedMembers(g.anchor).map((u) => ({ op: 'remove' as const, userAnchor: u })) : [];
      tables.addPlanned(g.anchor, 'gone', { dn: g.dn, oktaId: g.oktaId } satisfies GonePayload, ops);
    }
  }

  const c = tables.counts();
  const summary: GroupPlanSummary = {
    read,
    creates: c.actions.ensure ?? 0,
    updates: c.actions.rename ?? 0,
    memberAdds: c.adds,
    memberRemoves: c.removes,
    quarantined: c.actions.quarantine ?? 0,
  };
  plans.set(ctx.spool, { tables, summary });
  log.info('groups planned', {
    ...summary,
    rejected,
    gone: c.actions.gone ?? 0,
    mode: incremental ? 'incremental' : 'full',
    ...(cycles ? { cycles } : {}),
  });
  return summary;
}
