/**
 * `plan`: what a sync would do now, as a table or JSON: the same plan phase as a sync (the mode
 * decision, incremental from the watermark or full, the users, the groups, the safeguards' verdict).
 * Writes nothing anywhere: the state is opened read-only (the agent's mirror of Okta is refreshed
 * into a TEMP copy), Okta is only read.
 */
import { loadConfig } from '../../config/load';
import { noReads } from '../../directory/source';
import { planCounts, planJson, planText } from '../../output/plan';
import { formatGroupPlan, groupPlanJson, withJsonMember } from '../../output/group-plan';
import { lookUpFirstContacts } from '../../sync/groups/first-contact-lookup';
import { readsOf } from '../../sync/mirror/refresh';
import { forecastCounts, groupForecastCounts, planPhase, type PlannedRun } from '../../sync/plan-phase';
import { forecastCountsOf, planForecast, type Forecast } from '../../sync/plan/forecast';
import type { SeenLimits } from '../../okta/rate-limits';
import { sampleForecastText } from '../../output/forecast';
import { startProgress, type ProgressView } from '../../output/progress';
import type { SampleForecast, SampleScale } from '../../sample/forecast';
import type { Action } from '../../sync/plan/types';
import { createAgent, makeLogger, type Agent } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import { closed, onTerminal, type Io } from '../io';
import { loadScale, NO_SAMPLE_FILE, sampleFileOf } from './scale';

/** The plan phase of a sync, read-only. The caller closes the spools. */
export function planNow(agent: Agent, full: boolean, progress?: ProgressView): Promise<PlannedRun> {
  // a person is looking: the mirror of Okta is refreshed (into a TEMP copy) whatever the mode
  const reads = noReads();
  return planPhase(
    { ...agent, okta: readsOf(agent.oktaClient) },
    {
      mode: full ? 'full' : 'auto',
      refresh: 'always',
      reads,
      onPage: progress && ((p) => progress.update({ phase: 'plan', entriesRead: reads.entries, planned: p.read })),
    },
  );
}

/** Groups: whether a group is created or an existing Okta group taken over (from the mirror of Okta), for the first `limit` groups. */
function firstContactsOf(agent: Agent, planned: PlannedRun, limit: number) {
  return agent.config.groups ? lookUpFirstContacts(planned.groups, agent.state, { limit }) : new Map<string, never>();
}

/**
 * The Okta requests applying the plan takes and how long, under the configured share of the limits
 * this run's responses gave (else those the state kept from earlier runs, else Okta's defaults).
 */
export function forecastOf(agent: Agent, planned: PlannedRun): Forecast {
  const { okta } = agent.config;
  return planForecast(forecastCounts(planned, okta.drift), { limits: seenLimitsOf(agent), share: okta.rateLimitShare });
}

/** The limits this run's responses gave, else those the state kept from earlier runs. */
export function seenLimitsOf(agent: Agent): SeenLimits {
  return { ...agent.state.okta.seenLimits(), ...agent.oktaClient.seenLimits };
}

/**
 * The forecast of the whole migration from a plan over a sample: the users' actions tallied by
 * stratum and scaled; the groups as they are (every group is in the sample); their memberships
 * scaled by the users' factor.
 */
function sampleForecastOf(scale: SampleScale, planned: PlannedRun, agent: Agent): SampleForecast {
  for (const a of planned.spool.actions<Action>()) scale.addPlanAction(a.payload);
  const { okta } = agent.config;
  const { groupCreates, groupRenames, ...memberships } = groupForecastCounts(planned.groups);
  return scale.forecast({
    counts: (c) => forecastCountsOf(c, okta.drift),
    fixed: agent.config.groups ? { groupCreates, groupRenames } : {},
    proportional: agent.config.groups ? memberships : {},
    limits: seenLimitsOf(agent),
    share: okta.rateLimitShare,
  });
}

/** The plan as a person reads it, at most `limit` rows per table. */
export async function printPlan(agent: Agent, planned: PlannedRun, limit: number, io: Io): Promise<void> {
  const firstContacts = firstContactsOf(agent, planned, limit);
  const groups = agent.config.groups ? formatGroupPlan(planned.groups, agent.state, limit, firstContacts) : undefined;
  for (const chunk of planText(planned, { limit, groups, forecast: forecastOf(agent, planned) })) {
    if (closed(io.stdout)) return; // the reader went away (`plan | head`)
    io.out(chunk);
  }
}

export async function cmdPlan(
  opts: { config: string; json?: boolean; limit?: number; full?: boolean; scaleFromSample?: string | boolean },
  io: Io,
): Promise<ExitCode> {
  const loaded = loadConfig(opts.config);
  const sampleFile = opts.scaleFromSample === undefined ? undefined : sampleFileOf(opts.scaleFromSample, loaded.config.source);
  if (sampleFile === null) {
    io.err(NO_SAMPLE_FILE);
    return EXIT.USAGE;
  }
  const progress = startProgress({ stream: io.stderr, enabled: onTerminal(io) && !opts.json });
  const log = makeLogger(loaded.config, progress.logStream);
  const agent = createAgent(loaded, { readonly: true, log });
  const { config } = agent;
  try {
    const scale = sampleFile ? await loadScale(sampleFile, agent.state) : null;
    const planned = await planNow(agent, !!opts.full, progress).finally(() => progress.stop());
    try {
      const limit = opts.limit ?? 200;
      const whole = scale ? sampleForecastOf(scale, planned, agent) : null;
      if (opts.json) {
        const firstContacts = firstContactsOf(agent, planned, limit);
        const { decision, groups, verdict } = planned;
        const doc = planJson(planned.spool, planCounts(planned), {
          mode: decision.mode,
          modeReason: decision.reason,
          groups: groups.summary,
          forecast: forecastOf(agent, planned),
          ...(whole ? { wholeDirectory: whole } : {}),
          safeguard: verdict.ok ? null : verdict.reasons,
        });
        for (const chunk of config.groups ? withJsonMember(doc, groupPlanJson(planned.groups, agent.state, firstContacts)) : doc) {
          if (closed(io.stdout)) break; // the reader went away (`plan --json | head`)
          io.stdout.write(chunk);
        }
      } else {
        await printPlan(agent, planned, limit, io);
        if (whole) for (const line of sampleForecastText(whole)) io.out(line);
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
