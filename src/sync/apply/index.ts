/** The users' write path: apply a spooled plan to Okta, and settle the journal at the next start. */
export { applyPlan } from './apply-plan';
export { recoverJournal } from './recover';
export type { ApplyCounts, ApplyDeps, ApplyResult } from './context';
