/**
 * `plan`: what a sync would do now, as a table or JSON: the same mode decision (incremental from
 * the watermark, or full), the same planning, and the safeguards' verdict. Writes nothing
 * anywhere: the state is opened read-only, Okta is only read.
 */
import { loadConfig } from '../../config/load';
import { configFingerprint } from '../../sync/fingerprint';
import { planGroups } from '../../sync/groups';
import { formatGroupPlan, groupPlanJson, lookUpFirstContacts, withJsonMember } from '../../sync/groups/plan-output';
import { formatPlan, planJson } from '../../sync/plan-output';
import { planRun } from '../../sync/plan-run';
import { decideMode, type Watermark } from '../../sync/run';
import { checkSafeguards } from '../../sync/safeguards';
import { createAgent, makeLogger, type Agent } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

/** What a sync would do now (the same decisions, read-only). The caller closes the spool. */
export async function planNow(agent: Agent, full: boolean) {
  const { config, source, state, log } = agent;
  await source.open();
  const checkpoint = await source.checkpoint();
  const decision = decideMode(full ? 'full' : 'auto', state.watermarks.get<Watermark>(source.id), checkpoint, configFingerprint(config), source);
  const planned = await planRun(source, state, agent.transformer, { since: decision.since, lifecycle: config.lifecycle });
  const groups = await planGroups({ config, source, state, spool: planned.spool, log, since: decision.since });
  const verdict = checkSafeguards({ ...planned.totals, membershipRemovals: groups.memberRemoves }, config.safeguards);
  return { decision, planned, groups, verdict, counts: { ...planned.counts, entriesRead: source.entriesRead } };
}

/** The plan as a person reads it: users' tables, groups' tables, the safeguards' verdict. */
export function* planText(
  agent: Agent,
  p: Awaited<ReturnType<typeof planNow>>,
  limit: number,
  firstContacts: Awaited<ReturnType<typeof lookUpFirstContacts>>,
): Generator<string> {
  const { decision, planned, groups, verdict, counts } = p;
  yield `Plan of a ${decision.mode} run (${decision.reason}); ${agent.source.entriesRead} directory entries read.`;
  yield* formatPlan(planned.spool, counts, limit);
  if (agent.config.groups) {
    yield `\nGroups: ${groups.read} read, ${groups.creates} to create or take over, ${groups.updates} to rename, members +${groups.memberAdds} -${groups.memberRemoves}, ${groups.quarantined} quarantined`;
    yield* formatGroupPlan(planned.spool, agent.state, limit, firstContacts);
  }
  if (!verdict.ok) {
    yield '\nA sync would stop here (safeguards), before any write:';
    for (const r of verdict.reasons) yield `  - ${r}`;
  }
}

export async function cmdPlan(opts: { config: string; json?: boolean; limit?: number; full?: boolean }, io: Io): Promise<ExitCode> {
  const loaded = loadConfig(opts.config);
  const log = makeLogger(loaded.config, io.stderr);
  const agent = createAgent(loaded, { readonly: true, log });
  const { config } = agent;
  try {
    const { decision, planned, groups, verdict, counts } = await planNow(agent, !!opts.full);
    const limit = opts.limit ?? 200;
    // groups: whether a group is created or an existing Okta group taken over, asked of Okta (reads only) for the first `limit`
    const firstContacts = config.groups
      ? await lookUpFirstContacts(planned.spool, agent.state, agent.sink, { limit, concurrency: config.okta.concurrency })
      : new Map<string, never>();
    if (opts.json) {
      const doc = planJson(planned.spool, counts, { mode: decision.mode, modeReason: decision.reason, groups, safeguard: verdict.ok ? null : verdict.reasons });
      for (const chunk of config.groups ? withJsonMember(doc, groupPlanJson(planned.spool, agent.state, firstContacts)) : doc) {
        io.stdout.write(chunk);
      }
    } else {
      for (const chunk of planText(agent, { decision, planned, groups, verdict, counts }, limit, firstContacts)) io.out(chunk);
    }
    planned.spool.close();
    return EXIT.OK;
  } finally {
    await agent.close();
  }
}
