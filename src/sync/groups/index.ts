/**
 * Group sync: directory groups in scope become Okta groups (OKTA_GROUP) with memberships that match
 * the directory. See README.md in this folder for the semantics (first contact, nested groups,
 * incremental runs, groups that leave the directory, memberships added by hand in Okta).
 *
 * - {@link planGroups} reads the groups and plans creates, renames and membership changes, after
 *   the users were planned (it reads the run's spool) and before anything is written: nothing goes
 *   to Okta or to the state file, so `memberRemoves` can feed the safeguards. It returns the plan as
 *   a value ({@link GroupPlan}) that `sync` applies and `plan` prints.
 * - {@link applyGroups} applies that plan after the users were applied.
 * - {@link checkGroupsConfig} reports template problems of the `groups:` section for `config validate`.
 */
import type { RunConfig as Config } from '../schema';
import type { Checkpoint, DirectorySource } from '../../directory/source';
import type { OktaClient } from '../../okta/client';
import type { GroupSpool } from '../../state/group-spool';
import type { PlanSpool, StateStore } from '../../state/store';
import type { Logger } from '../../util/log';
import { applyGroupPlan } from './apply';
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
}

export interface GroupPlanSummary {
  read: number;
  creates: number;
  updates: number;
  memberAdds: number;
  memberRemoves: number;
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
 * that {@link applyGroups} applies and the plan output reads. The caller closes the spool
 * (`spool?.close()`) when done; null when the config has no `groups:` section.
 */
export interface GroupPlan {
  summary: GroupPlanSummary;
  spool: GroupSpool | null;
}

export const NO_GROUPS_PLAN: GroupPlanSummary = { read: 0, creates: 0, updates: 0, memberAdds: 0, memberRemoves: 0, quarantined: 0 };
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
 * Apply a group plan {@link planGroups} made, after the users were applied. Throws
 * {@link OktaFatalError} (bad token, Okta unreachable); anything else about a group is counted
 * (quarantined, failed) and the rest goes on.
 */
export async function applyGroups(
  plan: GroupPlan,
  ctx: { config: Config; state: StateStore; log: Logger; oktaClient: OktaClient; runId: number; signal?: AbortSignal },
): Promise<GroupApplyCounts> {
  if (!plan.spool) return NO_GROUPS_APPLIED;
  return applyGroupPlan({
    state: ctx.state,
    oktaClient: ctx.oktaClient,
    tables: plan.spool,
    runId: ctx.runId,
    log: ctx.log,
    concurrency: ctx.config.okta.concurrency,
    signal: ctx.signal,
    plannedQuarantines: plan.summary.quarantined,
  });
}

export { checkGroupsConfig } from './templates';
export type { GroupTemplateIssue } from './templates';
