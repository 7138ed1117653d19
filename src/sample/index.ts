/**
 * `sample`: a deterministic, stratified, pseudonymised sample of the directory for a rehearsal in
 * a preview org (see README "Rehearse on a preview org").
 *
 * Two passes over the directory: the first is a preflight (strata from its problems) into temp
 * tables; the selection happens in SQL; the second pass writes the selected entries through the
 * pseudonymizer to `sink`. Renderer: src/output/sample.ts. Forecast from a sample: forecast.ts.
 */
import type { PreflightReport } from '../inspect/preflight';
import { attributePolicy } from './attributes';
import type { SampleKey } from './keyed';
import { manifestHeader, type SampleManifest } from './manifest';
import { configLiterals, phoneClassifier, phoneRegionsOf } from './from-config';
import { Pseudonymizer, type PseudonymStats } from './pseudonym';
import { selectSample, type SampleDeps, type Selection } from './sampler';
import type { WeightedStratum } from './strata';
import { SampleWriter, type Sink, type WriteStats } from './writer';

export interface SampleOptions {
  /** Share of the users, 0 < percent ≤ 100. */
  percent: number;
  key: SampleKey;
  /** The sample's suffix DN (default: the directory's root DN, pseudonymised). */
  suffix?: string;
  /** E-mail domains kept as they are (the organisation's own, when a transform tests them). */
  keepDomains?: readonly string[];
  /** Attributes kept as they are / pseudonymised, overriding the built-in categories. */
  keep?: readonly string[];
  pseudonymize?: readonly string[];
}

export interface SampleSummary {
  manifest: SampleManifest;
  /** The sampled strata with their weights. */
  strata: WeightedStratum[];
  /** Strata of the directory with no sampled user (weighted with the closest sampled stratum). */
  unsampledStrata: number;
  /** Per dimension (fate, problem type, trait): users in the directory and in the sample. */
  dimensions: Selection['dimensions'];
  /** Dimensions proportional allocation missed and a unit was added for. */
  covered: string[];
  users: Selection['users'];
  /** What a first import would do with the whole directory (the first pass's preflight). */
  fates: PreflightReport['records'];
  write: WriteStats;
  pseudonyms: PseudonymStats;
}

export async function runSample(deps: SampleDeps, opts: SampleOptions, sink: Sink): Promise<SampleSummary> {
  const { config } = deps;
  if (!(opts.percent > 0 && opts.percent <= 100)) throw new Error('the percentage must be more than 0 and at most 100');
  const policy = attributePolicy({
    source: config.source,
    groups: config.groups,
    referenced: deps.pipeline.referencedAttributes,
    keep: opts.keep,
    pseudonymize: opts.pseudonymize,
  });
  const sel = await selectSample(deps, policy, opts.key, opts.percent);
  try {
    const pseudo = new Pseudonymizer({
      key: opts.key,
      originals: sel.originals,
      runs: sel.spool,
      keepDomains: new Set((opts.keepDomains ?? []).map((d) => d.toLowerCase())),
      phoneClass: phoneClassifier(phoneRegionsOf(config.transforms)),
      literals: configLiterals(config.transforms),
    });
    const writer = new SampleWriter(sel, policy, pseudo, opts.suffix);
    const mapped = (dns: readonly string[] | undefined) => (dns ?? []).map((d) => writer.dn(d) ?? d);
    const manifest: SampleManifest = {
      format: 1,
      percent: opts.percent,
      keyId: opts.key.id(),
      suffix: writer.suffix,
      baseDns: { users: mapped(config.source.users.baseDns), groups: mapped(config.groups?.baseDns) },
      users: { directory: sel.users.directory, sample: sel.users.sample },
      groups: { directory: sel.groups.directory, sample: sel.groups.live },
    };
    await sink(manifestHeader(manifest, sel.strata));
    const write = await writer.write(deps.source, sink);
    return {
      manifest,
      strata: sel.strata,
      unsampledStrata: sel.strata.reduce((n, s) => n + s.merged.length, 0),
      dimensions: sel.dimensions,
      covered: sel.covered,
      users: sel.users,
      fates: sel.preflight.records,
      write,
      pseudonyms: pseudo.stats,
    };
  } finally {
    sel.spool.close();
  }
}

export { SampleKey } from './keyed';
export type { SampleDeps } from './sampler';
export type { SampleManifest } from './manifest';
export type { WeightedStratum } from './strata';
