/**
 * Users and groups from an LDAP directory (OpenLDAP or Active Directory flavour): a paged search
 * (RFC 2696) per base DN, streamed page by page; entries normalised into SourceRecords.
 * Incremental scans add a change clause (uSNChanged / entryCSN / modifyTimestamp) to the filter;
 * AD deletions come from the Deleted Objects container (Show Deleted control), OpenLDAP deletions
 * and moves out of scope from the accesslog (accesslog.ts); AD groups with more members than
 * MaxValRange are read completely by ranged retrieval.
 *
 * The connection outlives a run (`release`) until `close`: the next run goes on with it while it
 * is still bound, with what it learnt of the server (rootDSE, AD invocationId, the accesslog), so
 * that reading the change position of an idle poll is one request.
 */
import type { GroupSourceConfig, LdapSourceConfig } from '../schema';
import { anchorAttributeOf, attributesToRead, binaryAttributesOf, flavorOf, groupFilterOf, memberAttributesOf, userFilterOf } from '../attributes';
import { canResume, changedSince } from '../checkpoint';
import { inScope } from '../dn';
import { and, eq, gte, lte, or, wrapFilter } from '../filter';
import { decodeText, guidToBuffer, problemText, guidToString, normalizeAttributes, toSourceRecord, type AnchorRule, type DisabledRule } from '../normalize';
import { noReads, type Checkpoint, type DirectoryReads, type DirectorySource, type GoneUser, type GroupPage } from '../source';
import type { SourcePage, SourceRecord } from '../types';
import { probeAccessLog, readGoneUsers, type AccessLogStatus } from './accesslog';
import { LdapConnection, mapError, type Entry } from './connection';
import { ShowDeletedControl } from './controls';
import { compileFilter, filterAttributes } from './filter-match';
import { completeRanges } from './ranged';
import { adCheckpoint, ldapCheckpoint, readRootDse, type RootDse } from './server-info';
import { readAhead } from '../../util/read-ahead';

/** Attributes a person might type to name a user, per flavour (used by findUsers). */
const KEY_ATTRIBUTES = { openldap: ['uid', 'mail', 'cn'], ad: ['sAMAccountName', 'userPrincipalName', 'mail', 'cn'] };
/** Groups carry member lists: smaller pages keep memory bounded. */
const GROUP_PAGE_SIZE = 50;

/** What a connection learnt about the server; it goes when the connection goes. */
interface Session {
  conn: LdapConnection;
  root: RootDse;
  /** The rootDSE was read by this run's open (AD: its highestCommittedUSN is this run's). */
  rootIsFresh: boolean;
  invocationId?: string;
  accessLog?: AccessLogStatus;
}

export class LdapDirectorySource implements DirectorySource {
  readonly id: string;
  private session?: Session;
  private reads: DirectoryReads = noReads();
  private readonly attributes: string[];
  private readonly binary: string[];
  /** The binary attributes, lower-cased: every other attribute holds text. */
  private readonly binarySet: ReadonlySet<string>;
  private readonly anchor: AnchorRule;
  private readonly disabled: DisabledRule;

  constructor(
    private readonly cfg: LdapSourceConfig,
    private readonly groupsCfg?: GroupSourceConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.id = `${cfg.url.toLowerCase()} ${cfg.users.baseDns.join(' | ')}`;
    const disabledFilter = cfg.users.disabledFilter;
    this.attributes = [...new Set([...attributesToRead(cfg), ...(disabledFilter ? filterAttributes(disabledFilter) : [])])];
    const binary = binaryAttributesOf(cfg);
    // ldapts matches binary attribute names case-sensitively against what the server returns
    this.binary = [...new Set([...binary, ...binary.map((b) => b.toLowerCase())])];
    this.binarySet = new Set(binary.map((b) => b.toLowerCase()));
    const anchorAttr = anchorAttributeOf(cfg);
    this.anchor = { attribute: anchorAttr, binary: anchorAttr.toLowerCase() === 'objectguid' ? 'guid' : 'hex' };
    this.disabled = {
      kind: flavorOf(cfg).name === 'ad' ? 'ad' : 'none',
      filter: disabledFilter ? compileFilter(disabledFilter) : undefined,
    };
  }

  async open(reads: DirectoryReads = noReads()): Promise<void> {
    this.reads = reads;
    if (this.session?.conn.bound) {
      this.session.conn.reads = reads;
      this.session.rootIsFresh = false;
      return;
    }
    await this.close();
    const conn = await LdapConnection.open(this.cfg, reads);
    try {
      const root = await readRootDse(conn);
      this.reads.entries++;
      this.session = { conn, root, rootIsFresh: true };
    } catch (e) {
      await conn.close();
      throw mapError(e, this.cfg, 'reading the rootDSE');
    }
  }

  async checkpoint(): Promise<Checkpoint> {
    const s = this.requireOpen();
    const method = this.cfg.changeTracking.method;
    try {
      if (flavorOf(this.cfg).name === 'ad' && (method === 'auto' || method === 'usn')) {
        // highestCommittedUSN is in the rootDSE: one request (none right after open)
        const root = s.rootIsFresh ? s.root : await readRootDse(s.conn);
        s.rootIsFresh = false;
        const cp = await adCheckpoint(s.conn, root, s.invocationId);
        s.invocationId = cp.invocationId;
        return cp;
      }
      return await ldapCheckpoint(s.conn, this.cfg.users.baseDns, s.root, method === 'usn' ? 'auto' : method, this.now());
    } catch (e) {
      throw mapError(e, this.cfg, 'reading the change position');
    }
  }

  canResume(previous: Checkpoint, current: Checkpoint) {
    return canResume(previous, current);
  }

  async *users(since?: Checkpoint): AsyncIterable<SourcePage> {
    const change = since && changedSince(since, this.cfg.changeTracking.overlapSeconds);
    const filter = change ? and(wrapFilter(userFilterOf(this.cfg)), change) : wrapFilter(userFilterOf(this.cfg));
    // the server reads the next page while this one is planned
    for await (const entries of readAhead(this.search(this.cfg.users.baseDns, filter, this.attributes))) yield this.toPage(entries);
  }

  async *usersByDn(dns: readonly string[]): AsyncIterable<SourcePage> {
    const { conn } = this.requireOpen();
    const filter = wrapFilter(userFilterOf(this.cfg));
    for (let i = 0; i < dns.length; i += this.cfg.pageSize) {
      const entries: Entry[] = [];
      for (const dn of dns.slice(i, i + this.cfg.pageSize)) {
        if (!this.inScope(dn)) continue;
        try {
          const r = await conn.search(dn, { scope: 'base', filter, attributes: this.attributes, explicitBufferAttributes: this.binary });
          this.reads.entries += r.searchEntries.length;
          entries.push(...r.searchEntries);
        } catch (e) {
          if ((e as { code?: number }).code === 32) continue; // noSuchObject: deleted or moved
          throw mapError(e, this.cfg, `read of ${dn}`);
        }
      }
      yield this.toPage(entries);
    }
  }

  async tracksDeletions(since: Checkpoint): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (since.kind === 'ad-usn') return { ok: true };
    if (since.kind !== 'ldap-csn') return { ok: false, reason: 'deletions are found by full runs only: the change position is a timestamp' };
    if (this.anchor.attribute.toLowerCase() !== 'entryuuid') {
      return { ok: false, reason: `the accesslog names entries by entryUUID, and the anchor is ${this.anchor.attribute}` };
    }
    const s = this.requireOpen();
    try {
      s.accessLog ??= await probeAccessLog(s.conn, s.root);
    } catch (e) {
      throw mapError(e, this.cfg, 'reading the accesslog');
    }
    return s.accessLog;
  }

  async *goneUsers(since: Checkpoint, until: Checkpoint): AsyncIterable<GoneUser[]> {
    if (since.kind === 'ad-usn' && until.kind === 'ad-usn') yield* this.tombstones(since.usn, until.usn);
    else if (since.kind === 'ldap-csn' && until.kind === 'ldap-csn') {
      if (!(await this.tracksDeletions(since)).ok) return;
      const { conn } = this.requireOpen();
      const scope = { baseDns: this.cfg.users.baseDns, scope: this.cfg.users.scope };
      try {
        yield* readGoneUsers(conn, scope, since.csns ?? [since.csn], until.csns ?? [until.csn], this.cfg.pageSize, (n) => (this.reads.entries += n));
      } catch (e) {
        throw mapError(e, this.cfg, 'search of the accesslog');
      }
    }
  }

  /** AD: users deleted after USN `from` and at or before `to` (their tombstones in Deleted Objects). */
  private async *tombstones(from: string, to: string): AsyncIterable<GoneUser[]> {
    const domain = this.session?.root.defaultNamingContext;
    if (!domain) return;
    // tombstones lose objectCategory: select them by objectClass
    const filter = and('(isDeleted=TRUE)', '(objectClass=user)', gte('uSNChanged', String(BigInt(from) + 1n)), lte('uSNChanged', to));
    const { conn } = this.requireOpen();
    try {
      const pages = conn.searchPaginated(
        `CN=Deleted Objects,${domain}`,
        {
          scope: 'one',
          filter,
          attributes: ['objectGUID', 'lastKnownParent'],
          explicitBufferAttributes: ['objectGUID'],
          paged: { pageSize: this.cfg.pageSize },
        },
        new ShowDeletedControl(),
      );
      for await (const page of pages) {
        this.reads.entries += page.searchEntries.length;
        const gone: GoneUser[] = [];
        for (const e of page.searchEntries) {
          const g = (Array.isArray(e.objectGUID) ? e.objectGUID[0] : e.objectGUID) as unknown;
          if (Buffer.isBuffer(g) && g.length === 16) gone.push({ anchor: guidToString(g), why: 'deleted' });
        }
        yield gone;
      }
    } catch (e) {
      throw mapError(e, this.cfg, 'search of deleted objects');
    }
  }

  async *groups(since?: Checkpoint): AsyncIterable<GroupPage> {
    const g = this.groupsCfg;
    if (!g) return;
    const change = since && changedSince(since, this.cfg.changeTracking.overlapSeconds);
    const base = wrapFilter(groupFilterOf(this.cfg, g));
    const memberAttrs = memberAttributesOf(this.cfg, g);
    const attributes = [...new Set([this.anchor.attribute, ...memberAttrs, ...g.attributes])];
    const { conn } = this.requireOpen();
    for await (const entries of this.search(g.baseDns, change ? and(base, change) : base, attributes, { scope: g.scope, pageSize: GROUP_PAGE_SIZE })) {
      const page: GroupPage = { groups: [], rejected: [] };
      for (const entry of entries) {
        try {
          await completeRanges(conn, entry, () => this.reads.entries++);
        } catch (e) {
          throw mapError(e, this.cfg, `ranged retrieval of ${entry.dn}`);
        }
        const attributes = normalizeAttributes(entry);
        const r = toSourceRecord(entry.dn, attributes, this.anchor, { kind: 'none' }, this.now());
        if (!('record' in r)) {
          page.rejected.push(r.rejected);
          continue;
        }
        const members = memberAttrs.flatMap((a) => (attributes[a.toLowerCase()] ?? []).map((v) => v.toString()));
        page.groups.push({ anchor: r.record.anchor, dn: entry.dn, attributes, members });
      }
      yield page;
    }
  }

  async findUsers(key: string): Promise<SourceRecord[]> {
    const anchorAttr = this.anchor.attribute;
    const alternatives = KEY_ATTRIBUTES[flavorOf(this.cfg).name].map((a) => eq(a, key));
    if (this.anchor.binary === 'guid') {
      try {
        alternatives.push(eq(anchorAttr, guidToBuffer(key)));
      } catch {
        /* not a GUID */
      }
    } else {
      alternatives.push(eq(anchorAttr, key));
    }
    const out: SourceRecord[] = [];
    const userFilter = wrapFilter(userFilterOf(this.cfg));
    for await (const entries of this.search(this.cfg.users.baseDns, and(userFilter, or(...alternatives)), this.attributes))
      out.push(...this.toPage(entries).records);
    // a DN is looked up as a base-scope read, never through a filter
    if (/=/.test(key) && !out.length && this.inScope(key)) {
      try {
        for await (const entries of this.search([key], userFilter, this.attributes, { scope: 'base' })) out.push(...this.toPage(entries).records);
      } catch {
        /* no such entry */
      }
    }
    return out;
  }

  private inScope(dn: string): boolean {
    return inScope(dn, this.cfg.users.baseDns, this.cfg.users.scope);
  }

  private async *search(
    bases: readonly string[],
    filter: string,
    attributes: string[],
    opts: { scope?: 'base' | 'one' | 'sub'; pageSize?: number } = {},
  ): AsyncIterable<Entry[]> {
    const { conn } = this.requireOpen();
    for (const base of bases) {
      const pages = conn.searchPaginated(base, {
        scope: opts.scope ?? this.cfg.users.scope,
        filter,
        attributes,
        explicitBufferAttributes: this.binary,
        paged: { pageSize: Math.min(opts.pageSize ?? this.cfg.pageSize, this.cfg.pageSize) },
      });
      try {
        for await (const page of pages) {
          this.reads.entries += page.searchEntries.length;
          yield page.searchEntries;
        }
      } catch (e) {
        throw mapError(e, this.cfg, `search of ${base}`);
      }
    }
  }

  private toPage(entries: Entry[]): SourcePage {
    const page: SourcePage = { records: [], rejected: [] };
    const now = this.now();
    for (const e of entries) {
      const attributes = normalizeAttributes(e);
      const problem = problemText(decodeText(attributes, this.binarySet));
      const r = toSourceRecord(e.dn, attributes, this.anchor, this.disabled, now);
      if ('record' in r) page.records.push(problem ? { ...r.record, problem } : r.record);
      else page.rejected.push(r.rejected);
    }
    return page;
  }

  private requireOpen(): Session {
    if (!this.session) throw new Error('LdapDirectorySource used before open()');
    return this.session;
  }

  /** The connection stays for the next run (it is closed by `close`, or dropped by the server). */
  async release(): Promise<void> {
    if (this.session) this.session.conn.reads = noReads();
    this.reads = noReads();
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    await s?.conn.close();
  }
}
