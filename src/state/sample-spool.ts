/**
 * The `sample` command's working set, in TEMP tables of the state connection (private to this
 * process, on disk in the temp directory when large, gone when closed; the state file is never
 * written): every user in scope with its stratum signature, keyed rank and problem dimensions; the
 * duplicates that tie records together (a record and the record holding its value are sampled
 * together: the clusters); the groups with their member DNs; the containers above the entries.
 * Memory stays bounded whatever the directory's size: the caller holds a page at a time.
 *
 * Also {@link SampleWeights}: a sample's records and strata, read back for a forecast.
 */
import type { Db } from './db';
import { textPages } from './keyset';

export interface SampleRecordRow {
  anchor: string;
  dn: string;
  dnNorm: string;
  /** The parent's normalised DN (the container the entry sits in). */
  parentNorm: string | null;
  /** The record's dimensions (problem types, fate, traits), sorted and joined. */
  signature: string;
  dims: readonly string[];
  /** Keyed rank: HMAC of the anchor, hex. */
  rank: string;
  /** Anchors of the records holding a value this record duplicates. */
  partners: readonly string[];
}

export interface SampleStratumRow {
  signature: string;
  units: number;
  records: number;
}

const TABLES = ['sample_records', 'sample_dims', 'sample_edges', 'sample_units', 'sample_groups', 'sample_members', 'sample_containers', 'sample_runs'];

export class SampleSpool {
  private seq = 0;
  private readonly insRecord;
  private readonly insDim;
  private readonly insEdge;
  private readonly insGroup;
  private readonly insMember;
  private readonly insContainer;
  private readonly userByDn;
  private readonly groupByDn;
  private readonly standInStmt;
  private readonly firstSelected;
  private readonly selectionStmt;
  private readonly runGet;
  private readonly runIns;

  constructor(private readonly db: Db) {
    db.pragma('temp_store = FILE');
    db.exec(TABLES.map((t) => `DROP TABLE IF EXISTS temp.${t};`).join('\n'));
    db.exec(`
      CREATE TEMP TABLE sample_records (anchor TEXT PRIMARY KEY, seq INTEGER NOT NULL, dn TEXT NOT NULL, dn_norm TEXT NOT NULL,
        parent_norm TEXT, signature TEXT NOT NULL, rank TEXT NOT NULL, unit TEXT NOT NULL, selected INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      CREATE INDEX temp.sample_records_dn ON sample_records(dn_norm);
      CREATE INDEX temp.sample_records_unit ON sample_records(unit);
      CREATE INDEX temp.sample_records_rank ON sample_records(selected, rank);
      CREATE TEMP TABLE sample_dims (dim TEXT NOT NULL, anchor TEXT NOT NULL, PRIMARY KEY (dim, anchor)) WITHOUT ROWID;
      CREATE TEMP TABLE sample_edges (anchor TEXT NOT NULL, partner TEXT NOT NULL, PRIMARY KEY (anchor, partner)) WITHOUT ROWID;
      CREATE TEMP TABLE sample_units (unit TEXT PRIMARY KEY, signature TEXT NOT NULL, records INTEGER NOT NULL, rank TEXT NOT NULL,
        selected INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      CREATE INDEX temp.sample_units_stratum ON sample_units(signature, rank, unit);
      CREATE TEMP TABLE sample_groups (dn_norm TEXT PRIMARY KEY, dn TEXT NOT NULL, parent_norm TEXT, live INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      CREATE TEMP TABLE sample_members (group_norm TEXT NOT NULL, member_norm TEXT NOT NULL, PRIMARY KEY (group_norm, member_norm)) WITHOUT ROWID;
      CREATE INDEX temp.sample_members_member ON sample_members(member_norm);
      CREATE TEMP TABLE sample_containers (dn_norm TEXT PRIMARY KEY, dn TEXT NOT NULL, depth INTEGER NOT NULL, parent_norm TEXT) WITHOUT ROWID;
      CREATE TEMP TABLE sample_runs (orig TEXT PRIMARY KEY, pseudo TEXT NOT NULL UNIQUE) WITHOUT ROWID;
    `);
    this.runGet = db.prepare<[string], { pseudo: string }>('SELECT pseudo FROM temp.sample_runs WHERE orig = ?');
    this.runIns = db.prepare('INSERT OR IGNORE INTO temp.sample_runs (orig, pseudo) VALUES (?, ?)');
    this.insRecord = db.prepare(
      'INSERT OR IGNORE INTO temp.sample_records (anchor, seq, dn, dn_norm, parent_norm, signature, rank, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insDim = db.prepare('INSERT OR IGNORE INTO temp.sample_dims (dim, anchor) VALUES (?, ?)');
    this.insEdge = db.prepare('INSERT OR IGNORE INTO temp.sample_edges (anchor, partner) VALUES (?, ?)');
    this.insGroup = db.prepare('INSERT OR IGNORE INTO temp.sample_groups (dn_norm, dn, parent_norm) VALUES (?, ?, ?)');
    this.insMember = db.prepare('INSERT OR IGNORE INTO temp.sample_members (group_norm, member_norm) VALUES (?, ?)');
    this.insContainer = db.prepare('INSERT OR IGNORE INTO temp.sample_containers (dn_norm, dn, depth, parent_norm) VALUES (?, ?, ?, ?)');
    this.userByDn = db.prepare<[string], { dn: string; selected: number; rank: string }>(
      'SELECT dn, selected, rank FROM temp.sample_records WHERE dn_norm = ? ORDER BY seq LIMIT 1',
    );
    this.groupByDn = db.prepare<[string], { dn: string; live: number }>('SELECT dn, live FROM temp.sample_groups WHERE dn_norm = ?');
    this.standInStmt = db.prepare<[string], { dn: string }>('SELECT dn FROM temp.sample_records WHERE selected = 1 AND rank >= ? ORDER BY rank LIMIT 1');
    this.firstSelected = db.prepare<[], { dn: string }>('SELECT dn FROM temp.sample_records WHERE selected = 1 ORDER BY rank LIMIT 1');
    this.selectionStmt = db.prepare<[string], { selected: number; signature: string }>(
      'SELECT r.selected, u.signature FROM temp.sample_records r JOIN temp.sample_units u ON u.unit = r.unit WHERE r.anchor = ?',
    );
  }

  /** A page of users, in one transaction. */
  addRecords(rows: readonly SampleRecordRow[]): void {
    this.db.transaction(() => {
      for (const r of rows) {
        if (this.insRecord.run(r.anchor, ++this.seq, r.dn, r.dnNorm, r.parentNorm, r.signature, r.rank, r.anchor).changes === 0) continue;
        for (const d of r.dims) this.insDim.run(d, r.anchor);
        for (const p of r.partners) if (p !== r.anchor) this.insEdge.run(r.anchor, p);
      }
    })();
  }

  /** A group and its direct members (normalised DNs). */
  addGroup(dn: string, dnNorm: string, parentNorm: string | null, members: readonly string[]): void {
    this.db.transaction(() => {
      this.insGroup.run(dnNorm, dn, parentNorm);
      for (const m of members) this.insMember.run(dnNorm, m);
    })();
  }

  /** Containers above entries (the root has depth 0 and no parent). */
  addContainers(rows: readonly { dn: string; dnNorm: string; depth: number; parentNorm: string | null }[]): void {
    this.db.transaction(() => {
      for (const c of rows) this.insContainer.run(c.dnNorm, c.dn, c.depth, c.parentNorm);
    })();
  }

  /**
   * Ties duplicates together: every record gets the smallest anchor of its connected component
   * (records linked by a duplicated value) as its unit; then one unit row per component with the
   * root's rank. Returns the number of units.
   */
  buildUnits(): number {
    const step = this.db.prepare(`
      UPDATE temp.sample_records AS r SET unit = m.u FROM (
        SELECT e.a AS a, min(p.unit) AS u
          FROM (SELECT anchor AS a, partner AS b FROM temp.sample_edges UNION ALL SELECT partner, anchor FROM temp.sample_edges) e
          JOIN temp.sample_records p ON p.anchor = e.b GROUP BY e.a
      ) AS m WHERE r.anchor = m.a AND m.u < r.unit`);
    while (step.run().changes > 0);
    return this.db
      .prepare(
        `INSERT INTO temp.sample_units (unit, signature, records, rank)
         SELECT r.unit, min(r.signature), count(*), (SELECT rank FROM temp.sample_records x WHERE x.anchor = r.unit)
           FROM temp.sample_records r GROUP BY r.unit`,
      )
      .run().changes;
  }

  /** Units of several records with their members' signatures, a page at a time (the caller merges them). */
  *multiRecordUnits(batch = 500): Generator<{ unit: string; signatures: string[] }[]> {
    const members = this.db.prepare<[string], { signature: string }>('SELECT signature FROM temp.sample_records WHERE unit = ?');
    const stmt = this.db.prepare<[string, number], { unit: string }>('SELECT unit FROM temp.sample_units WHERE unit > ? AND records > 1 ORDER BY unit LIMIT ?');
    for (const rows of textPages(stmt, (r) => r.unit, batch)) {
      yield rows.map((r) => ({ unit: r.unit, signatures: members.all(r.unit).map((m) => m.signature) }));
    }
  }

  setUnitSignatures(rows: readonly { unit: string; signature: string }[]): void {
    const stmt = this.db.prepare('UPDATE temp.sample_units SET signature = ? WHERE unit = ?');
    this.db.transaction(() => {
      for (const r of rows) stmt.run(r.signature, r.unit);
    })();
  }

  /** Strata (by unit signature): units and records in the directory, in signature order. */
  strata(): SampleStratumRow[] {
    return this.db
      .prepare<[], SampleStratumRow>(
        'SELECT signature, count(*) AS units, sum(records) AS records FROM temp.sample_units GROUP BY signature ORDER BY signature',
      )
      .all();
  }

  /** Select the `k` best-ranked units of a stratum. */
  selectInStratum(signature: string, k: number): void {
    if (k <= 0) return;
    this.db
      .prepare('UPDATE temp.sample_units SET selected = 1 WHERE unit IN (SELECT unit FROM temp.sample_units WHERE signature = ? ORDER BY rank, unit LIMIT ?)')
      .run(signature, k);
  }

  /**
   * Every dimension the directory shows is in the sample: for a dimension no selected unit has,
   * the best-ranked unit that has it is added. Returns the dimensions added this way.
   */
  cover(): string[] {
    const dims = this.db.prepare<[], { dim: string }>('SELECT DISTINCT dim FROM temp.sample_dims ORDER BY dim').all();
    const has = this.db.prepare<[string], { x: number }>(
      `SELECT 1 AS x FROM temp.sample_dims d JOIN temp.sample_records r ON r.anchor = d.anchor JOIN temp.sample_units u ON u.unit = r.unit
         WHERE d.dim = ? AND u.selected > 0 LIMIT 1`,
    );
    const best = this.db.prepare<[string], { unit: string }>(
      `SELECT u.unit FROM temp.sample_dims d JOIN temp.sample_records r ON r.anchor = d.anchor JOIN temp.sample_units u ON u.unit = r.unit
         WHERE d.dim = ? ORDER BY u.rank, u.unit LIMIT 1`,
    );
    const mark = this.db.prepare('UPDATE temp.sample_units SET selected = 2 WHERE unit = ?');
    const added: string[] = [];
    for (const { dim } of dims) {
      if (has.get(dim)) continue;
      const u = best.get(dim);
      if (!u) continue;
      mark.run(u.unit);
      added.push(dim);
    }
    this.db.exec('UPDATE temp.sample_records SET selected = 1 WHERE unit IN (SELECT unit FROM temp.sample_units WHERE selected > 0)');
    return added;
  }

  /** Records in the sample per stratum (unit signature). */
  sampledByStratum(): { signature: string; records: number }[] {
    return this.db
      .prepare<[], { signature: string; records: number }>(
        'SELECT signature, sum(records) AS records FROM temp.sample_units WHERE selected > 0 GROUP BY signature ORDER BY signature',
      )
      .all();
  }

  /** Records per dimension, in the directory and in the sample. */
  dimensions(): { dim: string; records: number; sampled: number }[] {
    return this.db
      .prepare<[], { dim: string; records: number; sampled: number }>(
        `SELECT d.dim, count(*) AS records, sum(r.selected) AS sampled FROM temp.sample_dims d JOIN temp.sample_records r ON r.anchor = d.anchor
           GROUP BY d.dim ORDER BY d.dim`,
      )
      .all();
  }

  /** Whether a record is in the sample, and its stratum's signature. */
  selection(anchor: string): { selected: boolean; signature: string } | undefined {
    const r = this.selectionStmt.get(anchor);
    return r && { selected: r.selected === 1, signature: r.signature };
  }

  /**
   * A user DN (normalised) as the sample names it: the user's own DN (as read) when it is in the
   * sample, a stand-in when it is not (the sampled user ranked next after it, so that every
   * reference to one user points to one stand-in), undefined when the directory has no such user.
   */
  userReference(dnNorm: string): { dn: string; standIn: boolean } | undefined {
    const r = this.userByDn.get(dnNorm);
    if (!r) return undefined;
    if (r.selected === 1) return { dn: r.dn, standIn: false };
    const s = this.standInStmt.get(r.rank) ?? this.firstSelected.get();
    return s && { dn: s.dn, standIn: true };
  }

  /** A member DN (normalised): a sampled user, or a group in the sample; undefined when neither. */
  member(dnNorm: string): string | undefined {
    const g = this.groupByDn.get(dnNorm);
    if (g) return g.live === 1 ? g.dn : undefined;
    const r = this.userByDn.get(dnNorm);
    return r && r.selected === 1 ? r.dn : undefined;
  }

  /** Groups with a sampled member (directly, or through a nested group that has one). Returns how many. */
  markLiveGroups(): number {
    this.db
      .exec(`UPDATE temp.sample_groups SET live = 1 WHERE EXISTS (SELECT 1 FROM temp.sample_members m JOIN temp.sample_records r ON r.dn_norm = m.member_norm
      WHERE m.group_norm = sample_groups.dn_norm AND r.selected = 1)`);
    const nested = this.db.prepare(`UPDATE temp.sample_groups SET live = 1 WHERE live = 0 AND EXISTS (SELECT 1 FROM temp.sample_members m
      JOIN temp.sample_groups g ON g.dn_norm = m.member_norm WHERE m.group_norm = sample_groups.dn_norm AND g.live = 1)`);
    while (nested.run().changes > 0);
    return (this.db.prepare('SELECT count(*) AS n FROM temp.sample_groups WHERE live = 1').get() as { n: number }).n;
  }

  /** The containers above the sampled users and groups, parents first. */
  usedContainers(): { dn: string; depth: number }[] {
    return this.db
      .prepare<[], { dn: string; depth: number }>(
        `WITH RECURSIVE used(n) AS (
           SELECT parent_norm FROM temp.sample_records WHERE selected = 1 AND parent_norm IS NOT NULL
           UNION SELECT parent_norm FROM temp.sample_groups WHERE live = 1 AND parent_norm IS NOT NULL
           UNION SELECT c.parent_norm FROM temp.sample_containers c JOIN used ON c.dn_norm = used.n WHERE c.parent_norm IS NOT NULL)
         SELECT c.dn, c.depth FROM temp.sample_containers c WHERE c.dn_norm IN (SELECT n FROM used) ORDER BY c.depth, c.dn_norm`,
      )
      .all();
  }

  /** Run `fn` in one transaction (a page of entries: its run reservations land together, fast). */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The pseudonym a folded run was given earlier in this sample. */
  runPseudonym(orig: string): string | undefined {
    return this.runGet.get(orig)?.pseudo;
  }

  /** Give a folded run this pseudonym, unless another run has it already (pseudonyms are one-to-one). */
  reserveRun(orig: string, pseudo: string): boolean {
    return this.runIns.run(orig, pseudo).changes === 1;
  }

  close(): void {
    this.db.exec(TABLES.map((t) => `DROP TABLE IF EXISTS temp.${t};`).join('\n'));
  }
}

/**
 * A sample's records (anchor and normalised DN → stratum), read back from the sample file for a
 * forecast: TEMP tables, so that a sample of any size is looked up without holding it in memory.
 */
export class SampleWeights {
  private readonly ins;
  private readonly byAnchor;
  private readonly byDn;

  constructor(private readonly db: Db) {
    db.pragma('temp_store = FILE');
    db.exec(`DROP TABLE IF EXISTS temp.sample_weights;
      CREATE TEMP TABLE sample_weights (anchor TEXT PRIMARY KEY, dn_norm TEXT NOT NULL, stratum INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX temp.sample_weights_dn ON sample_weights(dn_norm);`);
    this.ins = db.prepare('INSERT OR IGNORE INTO temp.sample_weights (anchor, dn_norm, stratum) VALUES (?, ?, ?)');
    this.byAnchor = db.prepare<[string], { stratum: number }>('SELECT stratum FROM temp.sample_weights WHERE anchor = ?');
    this.byDn = db.prepare<[string], { stratum: number }>('SELECT stratum FROM temp.sample_weights WHERE dn_norm = ? LIMIT 1');
  }

  add(rows: readonly { anchor: string; dnNorm: string; stratum: number }[]): void {
    this.db.transaction(() => {
      for (const r of rows) this.ins.run(r.anchor, r.dnNorm, r.stratum);
    })();
  }

  /** The stratum of a record: by anchor, else by DN (the sample loaded without its anchors); undefined for a record the sample does not have. */
  stratumOf(anchor: string, dnNorm: string): number | undefined {
    return (this.byAnchor.get(anchor) ?? this.byDn.get(dnNorm))?.stratum;
  }

  close(): void {
    this.db.exec('DROP TABLE IF EXISTS temp.sample_weights;');
  }
}
