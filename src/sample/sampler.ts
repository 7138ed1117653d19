/**
 * The first pass of `sample` and the selection.
 *
 * Pass 1 is a preflight (inspect/preflight: the record path, the same fates and problems a
 * `preflight` reports, without asking Okta) whose every record goes to the sample spool (temp
 * tables, state/sample-spool.ts) with its stratum signature, its keyed rank and the records it
 * duplicates; the groups are read for their member DNs; the containers above every entry and the
 * directory's original runs (for the pseudonyms to avoid) are noted on the way.
 *
 * Selection: records tied by a duplicate (a value and the record holding it) form one unit, so a
 * duplicate in the directory is a duplicate in the sample; units are allocated to strata in
 * proportion (strata.ts) and chosen by keyed rank inside each; every dimension the directory has
 * is then covered; groups with a sampled member (directly or through nesting) are kept.
 */
import { isUnder, normalizeDn, parentDn, parseDn } from '../directory/dn';
import type { DirectorySource } from '../directory/source';
import type { SourceRecord } from '../directory/types';
import { runPreflight, type Assessment, type OktaReader, type PreflightReport } from '../inspect/preflight';
import type { SampleRecordRow, SampleSpool, StateStore } from '../state/store';
import type { RunConfig } from '../sync/schema';
import { BASE_USER_SCHEMA } from '../okta/user-schema';
import type { Pipeline } from '../transform';
import type { Logger } from '../util/log';
import type { AttributePolicy, Category } from './attributes';
import { Bloom, type SampleKey } from './keyed';
import { originalRuns } from './pseudonym';
import { allocate, dimensionsOf, mergeSignatures, signatureOf, weightStrata, type WeightedStratum } from './strata';

/** What `sample` works with: the configuration as loaded, the directory, the state (read-only), the transforms. */
export interface SampleDeps {
  config: RunConfig;
  source: DirectorySource;
  state: StateStore;
  pipeline: Pipeline;
  log: Logger;
  stateExists: boolean;
}

export interface Selection {
  spool: SampleSpool;
  originals: Bloom;
  /** The preflight of the whole directory (pass 1). */
  preflight: PreflightReport;
  /** The deepest DN above every user and group (the sample's suffix); null when they share none. */
  root: string | null;
  strata: WeightedStratum[];
  /** Signature → stratum id, for the sampled strata. */
  stratumIds: Map<string, number>;
  users: { directory: number; sample: number; rejected: number; clustered: number };
  dimensions: { dim: string; records: number; sampled: number }[];
  /** Dimensions that proportional allocation left out and a unit was added for. */
  covered: string[];
  groups: { directory: number; live: number };
}

/**
 * The sample does not ask Okta (the preflight runs with `readOkta: false`): logins are checked
 * against the directory, the state and the mirror of Okta as the state has it, and values against
 * the user schema the state last read (else Okta's base profile limits).
 */
function noOkta(state: StateStore): OktaReader {
  const refused = (): never => {
    throw new Error('the sample reads nothing of Okta');
  };
  return {
    usersPage: refused,
    groupsPage: refused,
    groupMembersPage: refused,
    orgMetadata: refused,
    getUserSchema: async () => state.okta.userSchema() ?? BASE_USER_SCHEMA,
    requestCounts: { total: 0, writes: 0, retries: 0, rateLimited: 0, byBucket: {} },
  };
}

const PAGE = 500;

export async function selectSample(deps: SampleDeps, policy: AttributePolicy, key: SampleKey, percent: number): Promise<Selection> {
  const { state, source, log } = deps;
  const spool = state.sampleSpool();
  try {
    const originals = new Bloom();
    const containers = new ContainerNotes(spool);
    let root: string | null | undefined;
    const widen = (dn: string) => {
      if (root === null) return;
      if (root === undefined) {
        root = parentDn(dn);
        return;
      }
      while (root !== null && !isUnder(dn, root)) root = parentDn(root);
    };
    let rows: SampleRecordRow[] = [];
    let rejected = 0;
    const onRecord = (record: SourceRecord | null, _key: { anchor: string; dn: string }, a: Assessment) => {
      if (!record) {
        rejected++;
        return;
      }
      const dims = dimensionsOf(record, a);
      const dnNorm = normalizeDn(record.dn);
      const parent = parentDn(record.dn);
      rows.push({
        anchor: record.anchor,
        dn: record.dn,
        dnNorm,
        parentNorm: parent === null ? null : normalizeDn(parent),
        signature: signatureOf(dims),
        dims,
        rank: key.rank(record.anchor),
        partners: [...new Set(a.problems.flatMap((p) => (p.heldBy ? [p.heldBy.anchor] : [])))],
      });
      noteOriginals(originals, record.dn, record.attributes, (n) => policy.categoryOf(n));
      containers.note(record.dn);
      widen(record.dn);
      if (rows.length >= PAGE) {
        spool.addRecords(rows);
        rows = [];
      }
    };
    const preflight = await runPreflight(
      { config: deps.config, source, state, pipeline: deps.pipeline, okta: noOkta(state), log },
      { examples: 3, stateExists: deps.stateExists, onRecord, readOkta: false },
    );
    spool.addRecords(rows);

    let groupCount = 0;
    for await (const page of source.groups()) {
      for (const g of page.groups) {
        groupCount++;
        const parent = parentDn(g.dn);
        spool.addGroup(
          g.dn,
          normalizeDn(g.dn),
          parent === null ? null : normalizeDn(parent),
          g.members.map((m) => normalizeDn(m)),
        );
        noteOriginals(originals, g.dn, g.attributes, (n) => (policy.members.includes(n) ? 'dn' : policy.categoryOf(n)));
        containers.note(g.dn);
        widen(g.dn);
      }
    }
    containers.flush();

    // units: duplicates together, a unit's signature the union of its records'
    spool.buildUnits();
    let clustered = 0;
    for (const units of spool.multiRecordUnits()) {
      spool.setUnitSignatures(units.map((u) => ({ unit: u.unit, signature: mergeSignatures(u.signatures) })));
      clustered += units.reduce((n, u) => n + u.signatures.length, 0);
    }
    const strata = spool.strata();
    const seats = allocate(strata, percent / 100, key.digest('start').readUInt32BE(0) / 2 ** 32);
    for (const [signature, k] of seats) spool.selectInStratum(signature, k);
    const covered = spool.cover();
    const live = spool.markLiveGroups();
    const sampled = spool.sampledByStratum();
    const weighted = weightStrata(
      strata.map((s) => ({ signature: s.signature, records: s.records })),
      sampled,
    );
    const directory = strata.reduce((n, s) => n + s.records, 0);
    const sample = sampled.reduce((n, s) => n + s.records, 0);
    log.info('sample selected', { directory, sample, strata: strata.length, covered: covered.length, groups: live });
    return {
      spool,
      originals,
      preflight,
      root: root ?? null,
      strata: weighted,
      stratumIds: new Map(weighted.map((w) => [w.signature, w.id])),
      users: { directory, sample, rejected, clustered },
      dimensions: spool.dimensions(),
      covered,
      groups: { directory: groupCount, live },
    };
  } catch (e) {
    spool.close();
    throw e;
  }
}

/** The runs of every value the sample obscures, and of every DN value, go to the originals' filter; phone values whole too. */
function noteOriginals(bloom: Bloom, dn: string, attributes: SourceRecord['attributes'], categoryOf: (name: string) => Category): void {
  const dnValues = (d: string) => (parseDn(d) ?? []).flat().map((a) => a.value);
  for (const v of dnValues(dn)) for (const r of originalRuns(v)) bloom.add(`r:${r}`);
  for (const [name, values] of Object.entries(attributes)) {
    const cat = categoryOf(name);
    if (cat === 'keep') continue;
    for (const v of values) {
      if (Buffer.isBuffer(v)) continue;
      const texts = cat === 'dn' ? dnValues(v) : [v];
      for (const t of texts) for (const r of originalRuns(t)) bloom.add(`r:${r}`);
      if (cat === 'phone') bloom.add(`p:${v.trim()}`);
    }
  }
}

/** The ancestors of every entry, noted once (a bounded memory of the last parents seen). */
class ContainerNotes {
  private seen = new Set<string>();
  private pending: { dn: string; dnNorm: string; depth: number; parentNorm: string | null }[] = [];

  constructor(private readonly spool: SampleSpool) {}

  note(dn: string): void {
    for (let c = parentDn(dn); c !== null; c = parentDn(c)) {
      const norm = normalizeDn(c);
      if (this.seen.has(norm)) return;
      if (this.seen.size > 10_000) this.seen = new Set();
      this.seen.add(norm);
      const up = parentDn(c);
      this.pending.push({ dn: c, dnNorm: norm, depth: parseDn(c)?.length ?? 0, parentNorm: up === null ? null : normalizeDn(up) });
    }
    if (this.pending.length >= PAGE) this.flush();
  }

  flush(): void {
    this.spool.addContainers(this.pending);
    this.pending = [];
  }
}
