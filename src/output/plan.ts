/**
 * Rendering a spooled plan for people (a table per kind of change) and for programs (JSON,
 * streamed action by action so a plan of millions of records never sits in memory).
 */
import type { PlanSpool } from '../state/store';
import type { PlannedRun } from '../sync/plan-phase';
import type { Forecast } from '../sync/plan/forecast';
import { forecastText } from './forecast';
import type { Action } from '../sync/plan/types';
import { table } from './table';
import { showValue } from './value';

const clip = (s: string, max = 60) => (s.length > max ? s.slice(0, max - 1) + '…' : s);

export function formatPlanSummary(counts: Record<string, number>): string {
  const c = (k: string) => counts[k] ?? 0;
  return table(
    [
      ['create', c('create')],
      ['link (an existing Okta user, okta.match)', c('link')],
      ['update', c('update')],
      ['drift (Okta differs from the directory)', c('drift')],
      ['status change (disable / enable)', c('lifecycle')],
      ['missing from the directory', c('missing')],
      ['unchanged', c('unchanged')],
      ['quarantine', c('quarantine')],
      ['skip', c('skip')],
      ['users read', c('read')],
      ['rejected by the reader', c('rejected')],
    ],
    ['plan', 'records'],
  );
}

/** The plan as tables: creates, updates (attribute, before → after), quarantined; at most `limit` rows each. */
export function* formatPlan(spool: PlanSpool, counts: Record<string, number>, limit = 200): Generator<string> {
  yield formatPlanSummary(counts);
  const section = function* (kind: string, title: string, header: string[], row: (a: Action) => string[][]): Generator<string> {
    if (!counts[kind]) return;
    const rows: string[][] = [];
    let shown = 0;
    for (const a of spool.actions<Action>([kind])) {
      if (shown++ >= limit) break;
      rows.push(...row(a.payload));
    }
    yield `\n${title} (${counts[kind]}${counts[kind] > limit ? `, first ${limit} shown; --json for all` : ''}):`;
    yield table(rows, header);
  };
  yield* section('create', 'Create', ['login', 'dn'], (a) => (a.kind === 'create' ? [[a.login, clip(a.dn)]] : []));
  yield* section('link', "Link (first contact: an existing Okta user becomes this record's)", ['login', 'Okta user', 'found', 'changes', 'dn'], (a) =>
    a.kind === 'link'
      ? [[a.login, `${a.oktaId} (${a.oktaLogin}, ${a.oktaStatus})`, a.how, a.changes.map((ch) => ch.attribute).join(', ') || '-', clip(a.dn)]]
      : [],
  );
  const changeRows = (a: Action) =>
    a.kind === 'update' || a.kind === 'drift'
      ? [
          ...a.changes.map((ch, i) => [
            i ? '' : a.login,
            `${ch.attribute}${a.kind === 'update' && a.drift?.includes(ch.attribute) ? ' (drift)' : ''}`,
            clip(showValue(ch.before), 40),
            clip(showValue(ch.after), 40),
          ]),
          ...(a.lifecycle ? [['', '(status)', '', a.lifecycle === 'disable' ? 'disabled in the directory' : 'enabled again']] : []),
        ]
      : [];
  yield* section('update', 'Update', ['login', 'attribute', 'before', 'after'], changeRows);
  const first = counts.drift ? spool.actions<Action>(['drift'], { batch: 1 }).next() : undefined;
  const repaired = first !== undefined && !first.done && first.value.payload.kind === 'drift' && first.value.payload.repair === true;
  yield* section(
    'drift',
    `Drift: edited in Okta, ${repaired ? 'put back (okta.drift: repair)' : 'reported only (okta.drift: report)'}`,
    ['login', 'attribute', 'Okta has', 'the directory says'],
    changeRows,
  );
  yield* section('lifecycle', 'Status change', ['login', 'dn', 'change'], (a) =>
    a.kind === 'lifecycle' ? [[a.login ?? '', clip(a.dn), a.op === 'disable' ? 'disabled in the directory' : 'enabled again']] : [],
  );
  yield* section('missing', 'Missing from the directory', ['login', 'dn', 'runs missing', 'action'], (a) =>
    a.kind === 'missing' ? [[a.login ?? '', clip(a.dn), String(a.missingRuns), a.deprovision ? 'deprovision now' : 'wait (grace)']] : [],
  );
  yield* section('quarantine', 'Quarantine', ['dn', 'step', 'reason'], (a) => (a.kind === 'quarantine' ? [[clip(a.dn), a.step, a.reason]] : []));
  yield* section('skip', 'Skip', ['dn', 'step', 'reason'], (a) => (a.kind === 'skip' ? [[clip(a.dn), a.step, a.reason]] : []));
}

/**
 * A planned run as a person reads it: the mode and why, the users' tables, the groups' (given, when
 * groups are configured: the group plan renderer's lines), the forecast (when given), the
 * safeguards' verdict.
 */
export function* planText(p: PlannedRun, opts: { limit: number; groups?: Iterable<string>; forecast?: Forecast }): Generator<string> {
  const { decision, verdict } = p;
  const groups = p.groups.summary;
  yield `Plan of a ${decision.mode} run (${decision.reason}); ${p.reads.entries} directory entries read.`;
  yield* formatPlan(p.spool, planCounts(p), opts.limit);
  if (opts.groups) {
    yield `\nGroups: ${groups.read} read, ${groups.creates} to create or take over, ${groups.updates} to rename, members +${groups.memberAdds} -${groups.memberRemoves}, ${groups.quarantined} quarantined`;
    yield* opts.groups;
  }
  if (opts.forecast) yield* forecastText(opts.forecast);
  if (!verdict.ok) {
    yield '\nA sync would stop here (safeguards), before any write:';
    for (const r of verdict.reasons) yield `  - ${r}`;
  }
}

/** The users' counts a plan shows: action counts, records read and rejected, directory entries read. */
export const planCounts = (p: PlannedRun): Record<string, number> => ({ ...p.counts, entriesRead: p.reads.entries });

/** The whole plan as one JSON document, produced in pieces. Unchanged records are counted, not listed. */
export function* planJson(spool: PlanSpool, counts: Record<string, number>, extra: Record<string, unknown> = {}): Generator<string> {
  const head = JSON.stringify({ ...extra, counts });
  yield `${head.slice(0, -1)},"actions":[`;
  let first = true;
  for (const a of spool.actions<Action>(['create', 'link', 'update', 'drift', 'lifecycle', 'missing', 'quarantine', 'skip'])) {
    yield (first ? '\n' : ',\n') + JSON.stringify(a.payload);
    first = false;
  }
  yield '\n]}\n';
}
