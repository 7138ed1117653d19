/**
 * From a run over a sample to the whole directory: `preflight` and `plan --scale-from-sample`.
 *
 * Every record the run sees is looked up in the sample (anchor, else DN) for its stratum; counts
 * are kept per stratum ({@link StratumTally}) and scaled by the strata's weights
 * ({@link scaleCounts}: a pure function over counts, so any count a command makes — users per
 * outcome, per problem type, per action — scales the same way). A record the sample does not list
 * counts for itself (weight 1) and is reported. The Okta requests and their time are the plan's
 * forecast (sync/plan/forecast.ts, a function of counts) of the scaled counts.
 */
import { normalizeDn } from '../directory/dn';
import type { Assessment } from '../inspect/preflight';
import type { SeenLimits } from '../okta/rate-limits';
import type { SampleWeights } from '../state/store';
import { changesStatus } from '../sync/plan-phase';
import { planForecast, type Forecast, type ForecastCounts } from '../sync/plan/forecast';
import type { Action } from '../sync/plan/types';
import { readSample, type ReadSample, type SampleManifest } from './manifest';

/** Stratum id → counter → count. Stratum 0: records the sample does not list. */
export type CountsByStratum = ReadonlyMap<number, Readonly<Record<string, number>>>;

/** Counts for the whole directory: each stratum's counts times its weight (weight 1 for stratum 0 and unknown strata), rounded. */
export function scaleCounts(byStratum: CountsByStratum, weights: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [stratum, counts] of byStratum) {
    const w = weights.get(stratum) ?? 1;
    for (const [k, n] of Object.entries(counts)) out[k] = (out[k] ?? 0) + n * w;
  }
  for (const k of Object.keys(out)) out[k] = Math.round(out[k]);
  return out;
}

/** Counts kept per stratum. */
export class StratumTally {
  private readonly counts = new Map<number, Record<string, number>>();

  add(stratum: number, key: string, n = 1): void {
    let c = this.counts.get(stratum);
    if (!c) this.counts.set(stratum, (c = {}));
    c[key] = (c[key] ?? 0) + n;
  }

  get byStratum(): CountsByStratum {
    return this.counts;
  }

  /** Unscaled totals. */
  totals(): Record<string, number> {
    return scaleCounts(this.counts, new Map([...this.counts.keys()].map((s) => [s, 1])));
  }
}

export interface ForecastRow {
  key: string;
  /** In this run (over the sample). */
  sample: number;
  /** For the whole directory. */
  forecast: number;
}

export interface SampleForecast {
  sample: { file: string; percent: number; keyId: string; users: SampleManifest['users'] };
  /** Records of this run found in the sample, and not found (counted for themselves). */
  matched: number;
  unmatched: number;
  /** Users read, per outcome (or action) and per problem type. */
  rows: ForecastRow[];
  /** The Okta requests of the whole directory's migration and their time (the plan's forecast of the scaled counts). */
  requests: Forecast;
}

/** A preflight's outcomes as what applying them costs: a link (decided from the mirror of Okta) is an update of what differs. */
export function preflightForecastCounts(c: Readonly<Record<string, number>>): ForecastCounts {
  const n = (k: string) => c[k] ?? 0;
  return {
    creates: n('create'),
    updates: n('update') + n('link'),
    statusChanges: n('lifecycle'),
    groupCreates: 0,
    groupRenames: 0,
    memberAdds: 0,
    memberRemoves: 0,
  };
}

export class SampleScale {
  readonly tally = new StratumTally();
  private readonly weights: Map<number, number>;
  private matched = 0;
  private unmatched = 0;

  private constructor(
    readonly file: string,
    private readonly read: ReadSample,
    private readonly lookup: SampleWeights,
  ) {
    this.weights = new Map(read.strata.map((s) => [s.id, s.weight]));
  }

  /** Read a sample file's strata and records into `lookup` (temp tables). */
  static async load(file: string, lookup: SampleWeights): Promise<SampleScale> {
    const read = await readSample(file, (rows) => lookup.add(rows));
    return new SampleScale(file, read, lookup);
  }

  /** The stratum of a record of this run (0: not in the sample). */
  stratumOf(anchor: string, dn: string): number {
    const s = this.lookup.stratumOf(anchor, normalizeDn(dn));
    if (s === undefined) this.unmatched++;
    else this.matched++;
    return s ?? 0;
  }

  /** A preflight record: users, its outcome, each problem type it has. */
  readonly onPreflightRecord = (_record: unknown, key: { anchor: string; dn: string }, a: Assessment): void => {
    const s = this.stratumOf(key.anchor, key.dn);
    this.tally.add(s, 'users');
    this.tally.add(s, a.fate);
    for (const type of new Set(a.problems.map((p) => p.type))) this.tally.add(s, `problem:${type}`);
  };

  /** A planned action (`plan`): users read, the action's kind, whether it changes the user's Okta status. */
  addPlanAction(a: Action): void {
    const s = this.stratumOf(a.anchor, a.dn);
    if (a.kind === 'missing') {
      this.tally.add(s, a.deprovision ? 'missing' : 'missing-waiting');
      if (changesStatus(a)) this.tally.add(s, 'statusChanges');
      return;
    }
    this.tally.add(s, 'users');
    this.tally.add(s, a.kind);
    if (changesStatus(a)) this.tally.add(s, 'statusChanges');
  }

  /**
   * The forecast: the tally scaled; `fixed` counts that do not grow with the users (groups: every
   * group is in the sample) and `proportional` ones scaled by the users' factor (memberships); the
   * Okta requests and their time from the scaled counts (`counts` says what they cost).
   */
  forecast(opts: {
    counts: (c: Readonly<Record<string, number>>) => ForecastCounts;
    fixed?: Record<string, number>;
    proportional?: Record<string, number>;
    limits: SeenLimits;
    share: number;
  }): SampleForecast {
    const sample: Record<string, number> = { ...this.tally.totals(), ...opts.fixed, ...opts.proportional };
    const scaled: Record<string, number> = { ...scaleCounts(this.tally.byStratum, this.weights), ...opts.fixed };
    const factor = sample.users ? (scaled.users ?? 0) / sample.users : 1;
    for (const [k, n] of Object.entries(opts.proportional ?? {})) scaled[k] = Math.round(n * factor);
    const m = this.read.manifest;
    return {
      sample: { file: this.file, percent: m.percent, keyId: m.keyId, users: m.users },
      matched: this.matched,
      unmatched: this.unmatched,
      rows: Object.keys({ ...sample, ...scaled }).map((key) => ({ key, sample: sample[key] ?? 0, forecast: scaled[key] ?? 0 })),
      requests: planForecast(opts.counts(scaled), { limits: opts.limits, share: opts.share }),
    };
  }
}
