/**
 * `plan`: what a sync would do now, as a table or JSON: the same plan phase as a sync (the mode
 * decision, incremental from the watermark or full, the users, the groups, the safeguards' verdict).
 * Writes nothing anywhere: the state is opened read-only, Okta is only read.
 */
import { loadConfig } from '../../config/load';
import { planCounts, planJson, planText } from '../../output/plan';
import { formatGroupPlan, groupPlanJson, withJsonMember } from '../../output/group-plan';
import { lookUpFirstContacts } from '../../sync/groups/first-contact-lookup';
import { forecastCounts, planPhase, type PlannedRun } from '../../sync/plan-phase';
import { matchReadsPerCreate, planForecast, type Forecast } from '../../sync/plan/forecast';
import { createAgent, makeLogger, type Agent } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

/** The plan phase of a sync, read-only. The caller closes the spools. */
export function planNow(agent: Agent, full: boolean): Promise<PlannedRun> {
  return planPhase({ ...agent, okta: agent.oktaClient }, { mode: full ? 'full' : 'auto' });
}

/**
 * Groups: whether a group is created or an existing Okta group taken over, asked of Okta (reads
 * only) for the first `limit` groups.
 */
function firstContactsOf(agent: Agent, planned: PlannedRun, limit: number) {
  return agent.config.groups
    ? lookUpFirstContacts(planned.groups, agent.state, agent.oktaClient, { limit, concurrency: agent.config.okta.concurrency })
    : Promise.resolve(new Map<string, never>());
}

/**
 * The Okta requests applying the plan takes and how long, under the configured share of the limits
 * this run's responses gave (else those the state kept from earlier runs, else Okta's defaults).
 */
export function forecastOf(agent: Agent, planned: PlannedRun): Forecast {
  const limits = { ...agent.state.okta.seenLimits(), ...agent.oktaClient.seenLimits };
  const { okta } = agent.config;
  return planForecast(forecastCounts(planned), { limits, share: okta.rateLimitShare, readsPerCreate: matchReadsPerCreate(okta.match) });
}

/** The plan as a person reads it, at most `limit` rows per table. */
export async function printPlan(agent: Agent, planned: PlannedRun, limit: number, io: Io): Promise<void> {
  const firstContacts = await firstContactsOf(agent, planned, limit);
  const groups = agent.config.groups ? formatGroupPlan(planned.groups, agent.state, limit, firstContacts) : undefined;
  for (const chunk of planText(planned, { limit, groups, forecast: forecastOf(agent, planned) })) io.out(chunk);
}

export async function cmdPlan(opts: { config: string; json?: boolean; limit?: number; full?: boolean }, io: Io): Promise<ExitCode> {
  const loaded = loadConfig(opts.config);
  const log = makeLogger(loaded.config, io.stderr);
  const agent = createAgent(loaded, { readonly: true, log });
  const { config } = agent;
  try {
    const planned = await planNow(agent, !!opts.full);
    try {
      const limit = opts.limit ?? 200;
      if (opts.json) {
        const firstContacts = await firstContactsOf(agent, planned, limit);
        const { decision, groups, verdict } = planned;
        const doc = planJson(planned.spool, planCounts(planned), {
          mode: decision.mode,
          modeReason: decision.reason,
          groups: groups.summary,
          forecast: forecastOf(agent, planned),
          safeguard: verdict.ok ? null : verdict.reasons,
        });
        for (const chunk of config.groups ? withJsonMember(doc, groupPlanJson(planned.groups, agent.state, firstContacts)) : doc) {
          io.stdout.write(chunk);
        }
      } else {
        await printPlan(agent, planned, limit, io);
      }
    } finally {
      planned.groups.spool?.close();
      planned.spool.close();
    }
    return EXIT.OK;
  } finally {
    await agent.close();
  }
}
