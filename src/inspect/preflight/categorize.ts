/**
 * From what the transforms and the plan said about one record to its fate in a first import and
 * its problems (pure). First contact with Okta is the plan's (decided from the agent's mirror of
 * Okta): a link, or a quarantine by the match rules, is an `okta.conflict` problem. Findings become problems of their own type with a
 * severity; a skipped record has only its skip; a quarantined record whose cause no finding
 * explains (a hook, an internal error, no login) gets a `quarantined` problem naming step and reason.
 */
import type { Finding, TransformOutcome } from '../../transform/types';
import type { Action } from '../../sync/plan/types';
import type { Problem, RecordFate, Severity } from './model';

/** `okta.match` as rules, whatever shape the configuration gives it ('none' | 'login' | a list of rules). */
export interface MatchRules {
  login: boolean;
  /** Other rules, described: `email`, `attribute employeeNumber`. */
  other: string[];
  /** As configured, for the report. */
  describe: string;
}

export function matchRulesOf(match: unknown): MatchRules {
  const list: unknown[] = Array.isArray(match) ? match : match === undefined || match === null || match === 'none' ? [] : [match];
  let login = false;
  const other: string[] = [];
  for (const r of list) {
    const by =
      typeof r === 'string'
        ? r
        : r && typeof r === 'object'
          ? ((r as { by?: unknown }).by ?? ((r as { attribute?: unknown }).attribute ? 'attribute' : undefined))
          : undefined;
    if (by === 'login') login = true;
    else if (by === 'attribute') other.push(`attribute ${String((r as { attribute?: unknown }).attribute)}`);
    else if (typeof by === 'string' && by !== 'none') other.push(by);
  }
  const all = [...(login ? ['login'] : []), ...other];
  return { login, other, describe: all.length ? all.join(', ') : 'none' };
}

export function severityOf(f: Finding, outcome: TransformOutcome): Severity {
  if (f.type.endsWith('.normalized')) return 'fixed';
  if (f.type === 'username.conflict') return f.after === null || f.after === undefined ? 'quarantine' : 'resolved';
  if (f.type === 'phone.invalid' || f.type === 'email.invalid') return f.after === null ? 'dropped' : f.after === undefined ? 'quarantine' : 'kept';
  if (outcome.kind === 'quarantine' && outcome.step === f.step) return 'quarantine';
  return 'warning';
}

export interface RecordResult {
  anchor: string;
  dn: string;
  /** Null for an entry the reader rejected (no transforms ran). */
  outcome: TransformOutcome | null;
  action: Action;
  /** The login the state knows for this anchor (for records without one this run). */
  knownLogin?: string | null;
}

export interface Assessment {
  fate: RecordFate;
  login: string | null;
  problems: Problem[];
}

export function assess(r: RecordResult): Assessment {
  const a = r.action;
  const login =
    a.kind === 'create' || a.kind === 'link' || a.kind === 'update' || a.kind === 'drift'
      ? a.login
      : r.outcome?.kind === 'ok'
        ? r.outcome.login
        : (r.knownLogin ?? null);
  if (a.kind === 'skip') {
    const lifecycle = a.step === 'lifecycle' && r.outcome?.kind === 'ok';
    return {
      fate: 'skip',
      login,
      problems: [{ type: lifecycle ? 'lifecycle.disabled' : 'skipped', severity: 'skip', step: a.step, attribute: null, message: a.reason }],
    };
  }
  if (!r.outcome) {
    const reason = a.kind === 'quarantine' ? a.reason : 'rejected by the directory reader';
    return {
      fate: 'rejected',
      login: null,
      problems: [{ type: 'directory.rejected', severity: 'quarantine', step: 'directory', attribute: null, message: reason }],
    };
  }
  const problems: Problem[] = [];
  for (const f of r.outcome.findings) {
    problems.push({
      type: f.type,
      severity: severityOf(f, r.outcome),
      step: f.step,
      attribute: f.attribute,
      before: f.before,
      after: f.after,
      message: f.message ?? '',
    });
  }
  let fate: RecordFate;
  switch (a.kind) {
    case 'create':
      fate = 'create';
      break;
    case 'link':
      fate = 'link';
      problems.push({
        type: 'okta.conflict',
        severity: 'resolved',
        step: 'okta-match',
        attribute: 'login',
        before: a.oktaLogin,
        message: `Okta user ${a.oktaId} (${a.oktaStatus}) exists, ${a.how}: it is linked${a.changes.length ? ' and what differs is updated' : ''}`,
      });
      break;
    case 'update':
    case 'drift':
      fate = 'update';
      break;
    case 'unchanged':
      fate = 'unchanged';
      break;
    case 'lifecycle':
      fate = 'lifecycle';
      break;
    case 'quarantine':
      fate = 'quarantine';
      if (a.step === 'okta-match') {
        problems.push({ type: 'okta.conflict', severity: 'quarantine', step: a.step, attribute: 'login', before: login ?? undefined, message: a.reason });
      } else if (r.outcome.kind === 'ok') {
        // the transforms passed it; the plan did not (another record of this directory has the login)
        problems.push({ type: 'login.duplicate', severity: 'quarantine', step: a.step, attribute: 'login', before: r.outcome.login, message: a.reason });
      }
      break;
    default:
      fate = 'unchanged';
  }
  if (fate === 'quarantine' && !problems.some((p) => p.severity === 'quarantine')) {
    const step = a.kind === 'quarantine' ? a.step : r.outcome.kind === 'quarantine' ? r.outcome.step : 'okta';
    const reason = a.kind === 'quarantine' ? a.reason : r.outcome.kind === 'quarantine' ? r.outcome.reason : '';
    problems.push({ type: 'quarantined', severity: 'quarantine', step, attribute: null, message: reason });
  }
  return { fate, login, problems };
}
