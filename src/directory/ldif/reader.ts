/**
 * Users from an LDIF file (a slapcat / ldapsearch export, or the demo directory), behind the same
 * interface as the LDAP reader: scope by base DNs, the configured filter evaluated in memory,
 * pages of SourceRecords streamed as the file is read. Malformed entries are rejected with their
 * line number; the rest of the file is read.
 */
import type { GroupSourceConfig, LdifSourceConfig } from '../schema';
import { anchorAttributeOf, attributesToRead, binaryAttributesOf, flavorOf, groupFilterOf, memberAttributesOf, userFilterOf } from '../attributes';
import { canResume } from '../checkpoint';
import { compileFilter, filterAttributes, type EntryPredicate } from '../ldap/filter-match';
import { decodeText, normalizeAttributes, problemText, toSourceRecord, type AnchorRule, type DisabledRule } from '../normalize';
import { noReads, type Checkpoint, type DirectoryReads, type DirectorySource, type GoneUser, type GroupPage } from '../source';
import type { SourcePage, SourceRecord } from '../types';
import { parseLdifFile } from './parser';
import { inScope, normalizeDn } from '../dn';

const PAGE = 500;

export class LdifDirectorySource implements DirectorySource {
  readonly id: string;
  private reads: DirectoryReads = noReads();
  private readonly filter: EntryPredicate;
  private readonly binary: Set<string>;
  private readonly anchor: AnchorRule;
  private readonly disabled: DisabledRule;
  /** What an LDAP search would have returned: the configured attributes only. */
  private readonly keepAttributes: Set<string>;

  constructor(
    private readonly cfg: LdifSourceConfig,
    private readonly groupsCfg?: GroupSourceConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.id = `ldif:${cfg.path}`;
    this.filter = compileFilter(userFilterOf(cfg));
    this.binary = new Set(binaryAttributesOf(cfg).map((b) => b.toLowerCase()));
    const anchorAttr = anchorAttributeOf(cfg);
    this.anchor = { attribute: anchorAttr, binary: anchorAttr.toLowerCase() === 'objectguid' ? 'guid' : 'hex' };
    const disabledFilter = cfg.users.disabledFilter;
    this.disabled = { kind: flavorOf(cfg).name === 'ad' ? 'ad' : 'none', filter: disabledFilter ? compileFilter(disabledFilter) : undefined };
    this.keepAttributes = new Set([...attributesToRead(cfg), ...(disabledFilter ? filterAttributes(disabledFilter) : [])].map((a) => a.toLowerCase()));
  }

  async open(reads: DirectoryReads = noReads()): Promise<void> {
    this.reads = reads;
  }

  /** A file cannot say what changed: every run is a full run. */
  async checkpoint(): Promise<Checkpoint> {
    return { kind: 'none' };
  }

  canResume(previous: Checkpoint, current: Checkpoint) {
    return canResume(previous, current);
  }

  async *users(): AsyncIterable<SourcePage> {
    yield* this.scan(() => true);
  }

  async *usersByDn(dns: readonly string[]): AsyncIterable<SourcePage> {
    const wanted = new Set(dns.map(normalizeDn));
    yield* this.scan((r) => wanted.has(normalizeDn(r.dn)));
  }

  async tracksDeletions(): Promise<{ ok: false; reason: string }> {
    return { ok: false, reason: 'a file cannot say what changed' };
  }

  async *goneUsers(): AsyncIterable<GoneUser[]> {}

  async *groups(): AsyncIterable<GroupPage> {
    const g = this.groupsCfg;
    if (!g) return;
    const match = compileFilter(groupFilterOf(this.cfg, g));
    const memberAttrs = memberAttributesOf(this.cfg, g).map((a) => a.toLowerCase());
    const keep = new Set([this.anchor.attribute, ...g.attributes, ...memberAttrs].map((a) => a.toLowerCase()));
    let page: GroupPage = { groups: [], rejected: [] };
    for await (const item of parseLdifFile(this.cfg.path)) {
      if ('error' in item) continue; // reported by the user scan
      const { entry } = item;
      if (!entry.dn || !inScope(entry.dn, g.baseDns, g.scope)) continue;
      const attributes = normalizeAttributes(entry.attributes);
      decodeText(attributes, this.binary); // a group's text that is not UTF-8 stays bytes; its members are DNs
      if (!match(attributes)) continue;
      this.reads.entries++;
      for (const name of Object.keys(attributes)) if (!keep.has(name)) delete attributes[name];
      const r = toSourceRecord(entry.dn, attributes, this.anchor, { kind: 'none' }, this.now());
      if (!('record' in r)) {
        page.rejected.push({ ...r.rejected, reason: `${this.cfg.path}:${entry.line}: ${r.rejected.reason}` });
        continue;
      }
      page.groups.push({
        anchor: r.record.anchor,
        dn: entry.dn,
        attributes,
        members: memberAttrs.flatMap((a) => (attributes[a] ?? []).map((v) => v.toString())),
      });
      if (page.groups.length >= PAGE) {
        yield page;
        page = { groups: [], rejected: [] };
      }
    }
    if (page.groups.length || page.rejected.length) yield page;
  }

  async findUsers(key: string): Promise<SourceRecord[]> {
    const k = key.toLowerCase();
    const out: SourceRecord[] = [];
    for await (const page of this.scan(
      (r) =>
        r.anchor.toLowerCase() === k ||
        r.dn.toLowerCase() === k ||
        ['uid', 'mail', 'cn', 'samaccountname', 'userprincipalname'].some((a) => r.attributes[a]?.some((v) => v.toString().toLowerCase() === k)),
    )) {
      out.push(...page.records);
    }
    return out;
  }

  private async *scan(keep: (r: SourceRecord) => boolean): AsyncIterable<SourcePage> {
    let page: SourcePage = { records: [], rejected: [] };
    const now = this.now();
    for await (const item of parseLdifFile(this.cfg.path)) {
      if ('error' in item) {
        page.rejected.push({ dn: item.error.dn ?? `(entry at line ${item.error.line})`, reason: `${this.cfg.path}:${item.error.line}: ${item.error.message}` });
        continue;
      }
      const { entry } = item;
      if (!entry.dn || !inScope(entry.dn, this.cfg.users.baseDns, this.cfg.users.scope)) continue;
      const attributes = normalizeAttributes(entry.attributes);
      const problems = decodeText(attributes, this.binary);
      if (!this.filter(attributes)) continue;
      this.reads.entries++;
      for (const name of Object.keys(attributes)) if (!this.keepAttributes.has(name)) delete attributes[name];
      const r = toSourceRecord(entry.dn, attributes, this.anchor, this.disabled, now);
      if ('record' in r) {
        // (a value that is not UTF-8 in an attribute an LDAP search would not return is no problem)
        const problem = problemText(problems.filter((p) => this.keepAttributes.has(p.attribute)));
        if (keep(r.record)) page.records.push(problem ? { ...r.record, problem } : r.record);
      } else {
        page.rejected.push({ ...r.rejected, reason: `${this.cfg.path}:${entry.line}: ${r.rejected.reason}` });
      }
      if (page.records.length + page.rejected.length >= PAGE) {
        yield page;
        page = { records: [], rejected: [] };
      }
    }
    if (page.records.length || page.rejected.length) yield page;
  }

  async release(): Promise<void> {
    this.reads = noReads();
  }

  async close(): Promise<void> {}
}
