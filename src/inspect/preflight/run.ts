/**
 * `preflight`: read the whole directory, run the transforms and plan each record as a full sync
 * would — from the agent's mirror of Okta, refreshed into a TEMP copy first (a first preflight
 * reads every Okta user, 200 a request; with a state, the changes) — and count what would go wrong,
 * before the first import.
 *
 * Writes nothing: the state is opened read-only by the caller (the mirror's copy and the plan's
 * claims live in temp tables of that connection, gone when it closes); Okta is only read. Memory is
 * bounded: a page of records at a time, counts and a fixed number of examples per problem type;
 * problem rows stream to the CSV writer.
 *
 * Username availability and first contact are decided as in a sync (the agent's state, this run's
 * claims, and the mirror: a login an Okta user holds is not available, so the username step takes
 * the next candidate or suffix; the match rules link or quarantine).
 */
import { noReads, type DirectorySource } from '../../directory/source';
import type { SourceRecord } from '../../directory/types';
import type { OktaClient } from '../../okta/client';
import { normalizeLogin } from '../../okta/profile';
import type { RunConfig } from '../../sync/schema';
import type { PlanSpool, StateStore } from '../../state/store';
import { refreshFor, type MirrorReader } from '../../sync/mirror/refresh';
import { RecordPath } from '../../sync/record';
import { userSchemaForRun } from '../../sync/user-schema';
import type { Pipeline } from '../../transform';
import type { Logger } from '../../util/log';
import { assess, matchRulesOf, type Assessment } from './categorize';
import { PreflightCollector } from './collector';
import type { PreflightReport, ProblemRowWriter } from './model';

/** The only part of the Okta client a preflight may use: reads. */
export type OktaReader = MirrorReader & Pick<OktaClient, 'requestCounts'>;

export interface PreflightDeps {
  config: RunConfig;
  source: DirectorySource;
  /** Opened read-only. */
  state: StateStore;
  pipeline: Pipeline;
  okta: OktaReader;
  log: Logger;
  now?: () => Date;
}

export interface PreflightOptions {
  examples?: number;
  csv?: ProblemRowWriter | null;
  csvFixes?: boolean;
  stateExists: boolean;
  /** After each page: the records read so far, and the directory entries returned. */
  onPage?: (read: number, entriesRead: number) => void;
  /**
   * False: read nothing of Okta, decide from the mirror as the state has it (empty without a state)
   * and the user schema the state last read (`sample`). Default true: the mirror is refreshed first.
   */
  readOkta?: boolean;
  /**
   * Every record with its assessment, as the scan goes (entries the reader rejected come with a
   * null record). Used by `sample` (strata) and by forecasts from a sample.
   */
  onRecord?: (record: SourceRecord | null, key: { anchor: string; dn: string }, assessment: Assessment) => void;
}

export async function runPreflight(deps: PreflightDeps, opts: PreflightOptions): Promise<PreflightReport> {
  const { config, source, state, pipeline, log } = deps;
  const now = deps.now ?? (() => new Date());
  const started = now();
  const match = matchRulesOf(config.okta.match);
  const collector = new PreflightCollector({ examples: opts.examples ?? 5, csv: opts.csv, csvFixes: opts.csvFixes });
  const requestsBefore = { total: deps.okta.requestCounts.total, writes: deps.okta.requestCounts.writes, rateLimited: deps.okta.requestCounts.rateLimited };
  const reads = noReads();
  await source.open(reads);
  const refreshed = opts.readOkta === false ? null : await refreshFor({ config, state, pipeline, okta: deps.okta, log, now });
  const schema = await userSchemaForRun({ oktaClient: deps.okta, state, log, pipeline, okta: config.okta }, refreshed?.schema);
  const mirror = state.mirror;
  const spool = state.spool();
  try {
    // the records are planned as a full sync plans them (the same path, the same clock for every record)
    const path = await RecordPath.begin({
      pipeline,
      state,
      spool,
      okta: { mirror, config: config.okta },
      lifecycle: config.lifecycle,
      schema,
      now: () => started,
    });
    for await (const page of source.users()) {
      const planned = await path.planPage(page);
      // later pages see this page's logins and links (as a sync's plan does; the holders of duplicates
      // are named from them too); the actions themselves are not kept
      path.keep(
        planned.records.map((r) => r.action),
        'logins',
      );
      for (const { record, previous, outcome, action } of planned.records) {
        const assessment = assess({ anchor: record.anchor, dn: record.dn, outcome, action, knownLogin: previous?.login });
        nameHolders(assessment, record.anchor, spool);
        // the status of the Okta user first contact met (linked, or the reason of a quarantine)
        const status =
          action.kind === 'link'
            ? action.oktaStatus
            : action.kind === 'quarantine' && action.step === 'okta-match' && assessment.login
              ? mirror.byLogin(assessment.login)[0]?.status
              : undefined;
        collector.add(record, assessment, status);
        opts.onRecord?.(record, record, assessment);
      }
      for (const action of planned.rejected) {
        const assessment = assess({ anchor: action.anchor, dn: action.dn, outcome: null, action });
        collector.add(action, assessment);
        opts.onRecord?.(null, action, assessment);
      }
      opts.onPage?.(collector.read, reads.entries);
    }
  } finally {
    spool.close();
  }

  const counts = deps.okta.requestCounts;
  const summary = collector.summary();
  const report: PreflightReport = {
    startedAt: started.toISOString(),
    durationMs: now().getTime() - started.getTime(),
    source: { id: source.id, entriesRead: reads.entries },
    state: { path: config.state.path, exists: opts.stateExists, ...stateCounts(state) },
    okta: {
      orgUrl: config.okta.orgUrl,
      match: match.describe,
      requests: counts.total - requestsBefore.total,
      writes: counts.writes - requestsBefore.writes,
      rateLimited: counts.rateLimited - requestsBefore.rateLimited,
      mirror: { users: refreshed?.users.read ?? 0, full: refreshed?.users.full ?? false },
    },
    ...summary,
    csv: opts.csv ? { path: opts.csv.path, rows: opts.csv.rows, includesFixes: !!opts.csvFixes } : null,
  };
  log.debug('preflight done', { read: report.records.read, problems: report.problems.length, oktaRequests: report.okta.requests });
  return report;
}

/**
 * A duplicate names the record of this run that holds the value (the plan spool's claims): the
 * first holder of a unique value, of a login a username candidate wanted, of a planned login.
 */
function nameHolders(a: Assessment, anchor: string, spool: PlanSpool): void {
  for (const p of a.problems) {
    let holder: { anchor: string; dn: string } | undefined;
    if (p.type === 'validate.unique' && p.attribute) {
      const v = Array.isArray(p.before) ? p.before : [p.before];
      for (const x of v) {
        if (x === null || x === undefined) continue;
        const raw = String(x);
        holder = spool.uniqueClaimedBy(p.attribute, raw) ?? spool.uniqueClaimedBy(p.attribute, raw.toLowerCase());
        if (holder && holder.anchor !== anchor) break;
      }
    } else if ((p.type === 'username.conflict' || p.type === 'login.duplicate') && typeof p.before === 'string') {
      holder = spool.loginClaimedBy(normalizeLogin(p.before));
    }
    if (holder && holder.anchor !== anchor) p.heldBy = { anchor: holder.anchor, dn: holder.dn };
  }
}

function stateCounts(state: StateStore): { users: number; linked: number } {
  const c = state.users.counts();
  return { users: c.total, linked: c.linked };
}
