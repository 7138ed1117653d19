/**
 * Users from an LDAP directory (OpenLDAP or Active Directory flavour): a paged search (RFC 2696)
 * per base DN, streamed page by page; entries normalised into SourceRecords.
 */
import type { LdapSourceConfig } from '../../config/schema';
import { anchorAttributeOf, attributesToRead, binaryAttributesOf, flavorOf, userFilterOf } from '../attributes';
import { and, eq, or, wrapFilter } from '../filter';
import { guidToBuffer, normalizeAttributes, toSourceRecord, type AnchorRule, type DisabledRule } from '../normalize';
import type { DirectorySource } from '../source';
import type { SourcePage, SourceRecord } from '../types';
import { LdapConnection, mapError, type Entry } from './connection';

/** Attributes a person might type to name a user, per flavour (used by findUsers). */
const KEY_ATTRIBUTES = { openldap: ['uid', 'mail', 'cn'], ad: ['sAMAccountName', 'userPrincipalName', 'mail', 'cn'] };

export class LdapDirectorySource implements DirectorySource {
  readonly id: string;
  entriesRead = 0;
  private conn?: LdapConnection;
  private readonly attributes: string[];
  private readonly binary: string[];
  private readonly anchor: AnchorRule;
  private readonly disabled: DisabledRule;

  constructor(private readonly cfg: LdapSourceConfig, private readonly now: () => Date = () => new Date()) {
    this.id = `${cfg.url.toLowerCase()} ${cfg.users.baseDns.join(' | ')}`;
    this.attributes = attributesToRead(cfg);
    const binary = binaryAttributesOf(cfg);
    // ldapts matches binary attribute names case-sensitively against what the server returns
    this.binary = [...new Set([...binary, ...binary.map((b) => b.toLowerCase())])];
    const anchorAttr = anchorAttributeOf(cfg);
    this.anchor = { attribute: anchorAttr, binary: anchorAttr.toLowerCase() === 'objectguid' ? 'guid' : 'hex' };
    this.disabled = { kind: flavorOf(cfg).name === 'ad' ? 'ad' : 'none' };
  }

  async open(): Promise<void> {
    this.conn = await LdapConnection.open(this.cfg);
  }

  async *users(): AsyncIterable<SourcePage> {
    yield* this.search(wrapFilter(userFilterOf(this.cfg)));
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
    for await (const page of this.search(and(wrapFilter(userFilterOf(this.cfg)), or(...alternatives)))) out.push(...page.records);
    // a DN is looked up as a base-scope read, never through a filter
    if (/=/.test(key) && !out.length) {
      try {
        for await (const page of this.search(wrapFilter(userFilterOf(this.cfg)), key, 'base')) out.push(...page.records);
      } catch {
        /* not a DN in scope */
      }
    }
    return out;
  }

  private async *search(filter: string, onlyBase?: string, scope?: 'base'): AsyncIterable<SourcePage> {
    const conn = this.requireOpen();
    const bases = onlyBase ? [onlyBase] : this.cfg.users.baseDns;
    for (const base of bases) {
      const pages = conn.client.searchPaginated(base, {
        scope: scope ?? this.cfg.users.scope,
        filter,
        attributes: this.attributes,
        explicitBufferAttributes: this.binary,
        paged: { pageSize: this.cfg.pageSize },
      });
      try {
        for await (const page of pages) {
          this.entriesRead += page.searchEntries.length;
          yield this.toPage(page.searchEntries);
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
      const r = toSourceRecord(e.dn, normalizeAttributes(e as unknown as Record<string, unknown>), this.anchor, this.disabled, now);
      if ('record' in r) page.records.push(r.record);
      else page.rejected.push(r.rejected);
    }
    return page;
  }

  private requireOpen(): LdapConnection {
    if (!this.conn) throw new Error('LdapDirectorySource used before open()');
    return this.conn;
  }

  async close(): Promise<void> {
    await this.conn?.close();
    this.conn = undefined;
  }
}
