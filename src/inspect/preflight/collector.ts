/**
 * Collects the preflight's assessments record by record in bounded memory: counts per fate, per
 * problem type (records and occurrences, by severity), per quarantining and skipping step, the
 * first N examples of each type; every problem row goes to the CSV writer as it comes (problems of
 * severity `fixed` only when asked for).
 */
import type { Assessment } from './categorize';
import {
  PROBLEM_LABELS,
  SEVERITIES,
  type OktaConflictSummary,
  type PreflightReport,
  type ProblemExample,
  type ProblemRowWriter,
  type ProblemSummary,
  type ProblemType,
  type RecordFate,
} from './model';

export interface CollectorOptions {
  /** Examples kept per problem type. */
  examples: number;
  csv?: ProblemRowWriter | null;
  /** Also write `fixed` problems (normalised values) to the CSV. */
  csvFixes?: boolean;
}

const FATES: RecordFate[] = ['create', 'link', 'update', 'unchanged', 'lifecycle', 'quarantine', 'skip', 'rejected'];

export class PreflightCollector {
  private readonly fates = Object.fromEntries(FATES.map((f) => [f, 0])) as Record<RecordFate, number>;
  private readonly types = new Map<ProblemType, ProblemSummary>();
  private readonly quarantinedBy = new Map<string, number>();
  private readonly skippedBy = new Map<string, number>();
  private readonly conflicts: OktaConflictSummary = { total: 0, link: 0, quarantine: 0, byStatus: {} };
  read = 0;

  constructor(private readonly opts: CollectorOptions) {}

  add(rec: { anchor: string; dn: string }, a: Assessment, oktaStatus?: string): void {
    if (a.fate !== 'rejected') this.read++;
    this.fates[a.fate]++;
    const seen = new Set<ProblemType>();
    for (const p of a.problems) {
      let t = this.types.get(p.type);
      if (!t) {
        t = { type: p.type, label: PROBLEM_LABELS[p.type], records: 0, occurrences: 0, bySeverity: {}, examples: [] };
        this.types.set(p.type, t);
      }
      t.occurrences++;
      t.bySeverity[p.severity] = (t.bySeverity[p.severity] ?? 0) + 1;
      if (!seen.has(p.type)) {
        seen.add(p.type);
        t.records++;
      }
      if (t.examples.length < this.opts.examples) {
        const ex: ProblemExample = {
          dn: rec.dn,
          anchor: rec.anchor,
          login: a.login,
          severity: p.severity,
          step: p.step,
          attribute: p.attribute,
          message: p.message,
        };
        if (p.before !== undefined) ex.before = p.before;
        if (p.after !== undefined) ex.after = p.after;
        t.examples.push(ex);
      }
      if (this.opts.csv && (p.severity !== 'fixed' || this.opts.csvFixes)) {
        this.opts.csv.write([rec.dn, rec.anchor, a.login, a.fate, p.type, p.severity, p.step, p.attribute, p.before, p.after, p.message]);
      }
      if (p.type === 'okta.conflict') {
        this.conflicts.total++;
        if (a.fate === 'link') this.conflicts.link++;
        else this.conflicts.quarantine++;
        const s = oktaStatus ?? 'unknown';
        this.conflicts.byStatus[s] = (this.conflicts.byStatus[s] ?? 0) + 1;
      }
    }
    if (a.fate === 'quarantine' || a.fate === 'rejected') {
      const step = a.problems.find((p) => p.severity === 'quarantine')?.step ?? 'unknown';
      this.quarantinedBy.set(step, (this.quarantinedBy.get(step) ?? 0) + 1);
    }
    if (a.fate === 'skip') {
      const step = a.problems[0]?.step ?? 'unknown';
      this.skippedBy.set(step, (this.skippedBy.get(step) ?? 0) + 1);
    }
  }

  /** The counted part of the report (the caller adds source, state, Okta and timing). */
  summary(): Pick<PreflightReport, 'records' | 'problems' | 'quarantinedByStep' | 'skippedByStep' | 'oktaConflicts' | 'examplesPerType'> {
    const rank = (t: ProblemSummary) => {
      const worst = SEVERITIES.findIndex((s) => (t.bySeverity[s] ?? 0) > 0);
      return worst < 0 ? SEVERITIES.length : worst;
    };
    const problems = [...this.types.values()].sort((a, b) => {
      const fa = a.bySeverity.fixed === a.occurrences ? 1 : 0;
      const fb = b.bySeverity.fixed === b.occurrences ? 1 : 0;
      return fa - fb || rank(a) - rank(b) || b.records - a.records || a.type.localeCompare(b.type);
    });
    const byCount = (m: Map<string, number>) =>
      [...m.entries()].map(([step, records]) => ({ step, records })).sort((a, b) => b.records - a.records || a.step.localeCompare(b.step));
    // severities in report order (worst first)
    for (const t of problems) t.bySeverity = Object.fromEntries(SEVERITIES.flatMap((s) => (t.bySeverity[s] ? [[s, t.bySeverity[s]]] : [])));
    return {
      records: { read: this.read, ...this.fates },
      problems,
      quarantinedByStep: byCount(this.quarantinedBy),
      skippedByStep: byCount(this.skippedBy),
      oktaConflicts: this.conflicts,
      examplesPerType: this.opts.examples,
    };
  }
}
