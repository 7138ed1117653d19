/**
 * Group sync: directory groups in scope become Okta groups (OKTA_GROUP) with memberships that match
 * the directory. PLACEHOLDER: the contract is final; the implementation is being written.
 */
import type { Config } from '../../config/schema';
import type { Checkpoint, DirectorySource } from '../../directory/source';
import type { OktaSink } from '../../okta/client';
import type { PlanSpool, StateStore } from '../../state/store';
import type { Logger } from '../../util/log';

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

export const NO_GROUPS_PLAN: GroupPlanSummary = { read: 0, creates: 0, updates: 0, memberAdds: 0, memberRemoves: 0, quarantined: 0 };
export const NO_GROUPS_APPLIED: GroupApplyCounts = { created: 0, matched: 0, updated: 0, membersAdded: 0, membersRemoved: 0, quarantined: 0, failed: 0 };

/** Read the groups and plan creates, renames and membership changes (nothing written). */
export async function planGroups(ctx: GroupsRunContext): Promise<GroupPlanSummary> {
  if (!ctx.config.groups) return NO_GROUPS_PLAN;
  throw new Error('group sync is not implemented yet');
}

/** Apply the planned group changes after the users were applied. */
export async function applyGroups(ctx: GroupsRunContext & { sink: OktaSink; runId: number; signal?: AbortSignal }): Promise<GroupApplyCounts> {
  if (!ctx.config.groups) return NO_GROUPS_APPLIED;
  throw new Error('group sync is not implemented yet');
}
