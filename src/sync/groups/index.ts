/**
 * Group sync: directory groups in scope become Okta groups (OKTA_GROUP) with memberships that match
 * the directory. See README.md in this folder for the semantics (first contact, nested groups,
 * incremental runs, groups that leave the directory, memberships added by hand in Okta).
 *
 * - {@link planGroups} reads the groups and plans creates, renames and membership changes, after
 *   the users were planned (it reads the run's spool) and before anything is written: nothing goes
 *   to Okta or to the state file, so `memberRemoves` can feed the safeguards. It returns the plan as
 *   a value ({@link GroupPlan}) that `sync` applies and `plan` prints.
 * - {@link startGroupApply} applies that plan around the users' apply.
 * - {@link checkGroupsConfig} reports template problems of the `groups:` section for `config validate`.
 */
import type { RunConfig as Config } from '../schema';
import type { Checkpoint, DirectorySource } from '../../directory/source';
import type { OktaClient } from '../../okta/client';
import type { GroupSpool } from '../../state/group-spool';
import type { PlanSpool, StateStore } from '../../state/store';
import type { Logger } from '../../util/log';
import { groupApplier, type GroupApplier } from './apply';
import { planGroupsImpl } from './plan';

export interface GroupsRunContext {
  config: Config;
  source: DirectorySource;
  state: StateStore;
  /** The run's plan spool (temp tables): the users planned this run are in it. */
  spool: PlanSpool;
  log: Logger;
  /** Incremental run: only groups changed since this checkpoint are read. Full run: undefined. */
  since?: Checkpoint;
  /**
   * Membership drift (okta.drift): managed groups whose members the mirror's refresh read again this
   * run (Okta ids) are recomputed by an incremental run too, so a membership removed in Okta is found.
   */
  oktaMembersRead?: readonly string[];
}

export interface GroupPlanSummary {
  read: number;
  creates: number;
  updates: number;
  memberAdds: number;
  memberRemoves: number;
  /** Memberships the agent manages found gone from their Okta group (drift): added back (repair) or reported. */
  memberDrift: number;
  quarantined: number;
}

export interface GroupApplyCounts {
  created: number;
  matched: number;
  updated: number;
  membersAdded: number;
  membersRemoved: number;
  quarantined: number;
  failed: number;
}

/**
 * A run's group plan: its summary, and its rows in a group spool (TEMP tables of the state connection)
 * that {@link startGroupApply} applies and the plan output reads. The caller closes the spool
 * (`spool?.close()`) when done; null when the config has no `groups:` section.
 */
export interface GroupPlan {
  summary: GroupPlanSummary;
  spool: GroupSpool | null;
}

export const NO_GROUPS_PLAN: GroupPlanSummary = { read: 0, creates: 0, updates: 0, memberAdds: 0, memberRemoves: 0, memberDrift: 0, quarantined: 0 };
export const NO_GROUPS_APPLIED: GroupApplyCounts = { created: 0, matched: 0, updated: 0, membersAdded: 0, membersRemoved: 0, quarantined: 0, failed: 0 };

/**
 * Read the groups (the source must be open) and plan creates, renames and membership changes.
 * Nothing is written anywhere but TEMP tables of the state connection. `creates` counts groups to
 * create or to match by name on first contact (only apply can ask Okta which); `memberRemoves` counts
 * every membership the agent applied that is to be removed (groups gone from the directory included).
 */
export async function planGroups(ctx: GroupsRunContext): Promise<GroupPlan> {
  if (!ctx.config.groups) return { summary: NO_GROUPS_PLAN, spool: null };
  return planGroupsImpl(ctx, ctx.config.groups);
}

/**
 * Start applying a group plan {@link planGroups} made (null when groups are not configured):
 * `prepare()` before the users' apply (first contacts, creates, renames: users created then join
 * their groups with their create, `joinsOnCreate` / `joined`), `finish()` after it (the other
 * membership writes). Throws {@link OktaFatalError} (bad token, Okta unreachable); anything else
 * about a group is counted (quarantined, failed) and the rest goes on.
 */
export function startGroupApply(
  plan: GroupPlan,
  ctx: { config: Config; state: StateStore; log: Logger; oktaClient: OktaClient; runId: number; signal?: AbortSignal },
): GroupApplier | null {
  if (!plan.spool) return null;
  return groupApplier({
    state: ctx.state,
    mirror: ctx.state.mirror,
    oktaClient: ctx.oktaClient,
    tables: plan.spool,
    runId: ctx.runId,
    log: ctx.log,
    concurrency: ctx.config.okta.concurrency,
    signal: ctx.signal,
    plannedQuarantines: plan.summary.quarantined,
  });
}

export type { CreateJoin, GroupApplier } from './apply';
export { checkGroupsConfig } from './templates';
export type { GroupTemplateIssue } from './templates';
