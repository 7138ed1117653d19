/**
 * The second pass of `sample`: the directory read again, the selected users written with their
 * values obscured, then the groups in the sample; before them the containers from the suffix down
 * (so the file loads into an empty OpenLDAP database, with `slapadd` or `ldapadd`).
 *
 * References stay inside the sample: a member is kept when it is a sampled user or a group of the
 * sample, and dropped otherwise; a manager (or another user reference) that was not sampled points
 * to a sampled stand-in (the same stand-in for every reference to that user, so teams stay teams),
 * and is dropped only when the directory has no such user. DNs are rewritten with the suffix
 * replaced (`--suffix`) or obscured like every other DN value.
 */
import { isUnder, normalizeDn, parseDn, rdnCount } from '../directory/dn';
import { ldifRecord, type LdifRecord } from '../directory/ldif/writer';
import type { DirectorySource, SourceGroup } from '../directory/source';
import { guidToString } from '../directory/normalize';
import type { Attributes, SourceRecord } from '../directory/types';
import { classesOf, containerClasses, type AttributePolicy, type Category } from './attributes';
import { recordComment } from './manifest';
import type { Pseudonymizer } from './pseudonym';
import type { Selection } from './sampler';

export interface WriteStats {
  users: number;
  groups: number;
  containers: number;
  references: { kept: number; standIn: number; dropped: number };
  members: { kept: number; dropped: number };
  /** Attributes read but not written (the configuration does not read them), and binary ones. */
  droppedAttributes: string[];
  binaryAttributes: string[];
}

/** Where LDIF text goes (a file stream in the command). */
export type Sink = (text: string) => Promise<void> | void;

const MEMBER_LIKE = new Set(['member', 'uniquemember', 'memberof']);

export class SampleWriter {
  readonly stats: WriteStats = {
    users: 0,
    groups: 0,
    containers: 0,
    references: { kept: 0, standIn: 0, dropped: 0 },
    members: { kept: 0, dropped: 0 },
    droppedAttributes: [],
    binaryAttributes: [],
  };
  private readonly dropped = new Set<string>();
  private readonly binary = new Set<string>();
  private readonly dnCache = new Map<string, string | null>();
  /** The sample's suffix DN (what the root becomes). */
  readonly suffix: string | null;

  constructor(
    private readonly sel: Selection,
    private readonly policy: AttributePolicy,
    private readonly pseudo: Pseudonymizer,
    suffix: string | undefined,
  ) {
    this.suffix = sel.root === null ? null : (suffix ?? this.pseudo.dn(sel.root, (t, v) => this.valueOf(t, v)));
  }

  /** A DN as the sample writes it; null when it is not a DN. */
  dn(dn: string): string | null {
    let out = this.dnCache.get(dn);
    if (out !== undefined) return out;
    const root = this.sel.root;
    if (root !== null && this.suffix !== null && isUnder(dn, root)) {
      const above = (parseDn(dn) ?? []).slice(0, rdnCount(dn) - rdnCount(root));
      const head = above.length ? this.pseudo.rdns(above, (t, v) => this.valueOf(t, v)) : '';
      out = head ? `${head},${this.suffix}` : this.suffix;
    } else {
      out = this.pseudo.dn(dn, (t, v) => this.valueOf(t, v));
    }
    if (this.dnCache.size > 20_000) this.dnCache.clear();
    this.dnCache.set(dn, out);
    return out;
  }

  async write(source: DirectorySource, sink: Sink): Promise<WriteStats> {
    for (const c of this.sel.spool.usedContainers()) {
      if (this.sel.root === null || !isUnder(c.dn, this.sel.root)) continue;
      const entry = this.container(c.dn);
      if (entry) {
        await sink(ldifRecord(entry));
        this.stats.containers++;
      }
    }
    // a page at a time in one transaction: the pseudonyms' run table is written as entries are built
    for await (const page of source.users()) {
      const text = this.sel.spool.batch(() => {
        let out = '';
        for (const r of page.records) {
          const s = this.sel.spool.selection(r.anchor);
          if (!s?.selected) continue;
          const entry = this.user(r, this.sel.stratumIds.get(s.signature) ?? 0);
          if (!entry) continue;
          out += ldifRecord(entry);
          this.stats.users++;
        }
        return out;
      });
      if (text) await sink(text);
    }
    for await (const page of source.groups()) {
      const text = this.sel.spool.batch(() => {
        let out = '';
        for (const g of page.groups) {
          if (this.sel.spool.member(normalizeDn(g.dn)) === undefined) continue;
          const entry = this.group(g);
          if (!entry) continue;
          out += ldifRecord(entry);
          this.stats.groups++;
        }
        return out;
      });
      if (text) await sink(text);
    }
    this.stats.droppedAttributes = [...this.dropped].sort();
    this.stats.binaryAttributes = [...this.binary].sort();
    return this.stats;
  }

  private container(dn: string): LdifRecord | null {
    const out = this.dn(dn);
    const leaf = out === null ? null : parseDn(out)?.[0];
    if (!out || !leaf) return null;
    const { classes, extra } = containerClasses(leaf[0].type);
    const attributes: [string, string[]][] = [['objectclass', classes]];
    for (const ava of leaf) attributes.push([ava.type.toLowerCase(), [ava.value]]);
    if (extra && !leaf.some((a) => a.type.toLowerCase() === extra)) attributes.push([extra, [leaf[0].value]]);
    return { dn: out, attributes };
  }

  private user(r: SourceRecord, stratum: number): LdifRecord | null {
    const dn = this.dn(r.dn);
    if (dn === null) return null;
    const attributes = this.attributes(r.dn, dn, r.attributes, this.policy.user);
    const anchor = writtenAnchor(this.policy.anchor, attributes.find(([n]) => n === this.policy.anchor)?.[1]);
    return { dn, attributes, comment: recordComment(stratum, anchor) };
  }

  private group(g: SourceGroup): LdifRecord | null {
    const dn = this.dn(g.dn);
    if (dn === null) return null;
    return { dn, attributes: this.attributes(g.dn, dn, g.attributes, this.policy.group) };
  }

  /** The attributes an entry keeps, obscured; the RDN's values present. */
  private attributes(originalDn: string, dn: string, attrs: Attributes, wanted: ReadonlySet<string>): [string, (string | Buffer)[]][] {
    const { classes, required } = classesOf((attrs.objectclass ?? []).map(String));
    const rdn = parseDn(dn)?.[0] ?? [];
    const originalRdn = parseDn(originalDn)?.[0] ?? [];
    const names = new Set([...wanted, ...required.filter((n) => attrs[n]), ...originalRdn.map((a) => a.type.toLowerCase()).filter((n) => attrs[n])]);
    const out: [string, (string | Buffer)[]][] = [];
    for (const name of Object.keys(attrs).sort((a, b) => (a === 'objectclass' ? -1 : b === 'objectclass' ? 1 : a < b ? -1 : a > b ? 1 : 0))) {
      if (!names.has(name)) {
        if (this.policy.read.has(name)) this.dropped.add(name);
        continue;
      }
      // an attribute written only because the schema or the RDN needs it is not read by the configuration: its value is a pseudonym whatever its category
      const values = name === 'objectclass' ? classes : this.values(name, attrs[name], !wanted.has(name));
      if (values.length) out.push([name, values]);
    }
    for (const ava of rdn) {
      const type = ava.type.toLowerCase();
      const row = out.find(([n]) => n === type);
      if (!row) out.push([type, [ava.value]]);
      else if (!row[1].some((v) => typeof v === 'string' && v.toLowerCase() === ava.value.toLowerCase())) row[1].push(ava.value);
    }
    return out;
  }

  private values(name: string, values: readonly (string | Buffer)[], structural: boolean): (string | Buffer)[] {
    const category = this.policy.categoryOf(name);
    const cat = structural && category === 'keep' ? 'text' : category;
    const out: (string | Buffer)[] = [];
    for (const v of values) {
      if (Buffer.isBuffer(v) && cat !== 'anchor') {
        this.binary.add(name);
        continue;
      }
      if (cat === 'dn') {
        const ref = MEMBER_LIKE.has(name) ? this.member(String(v)) : this.reference(String(v));
        if (ref !== null) out.push(ref);
        continue;
      }
      out.push(Buffer.isBuffer(v) ? this.pseudo.anchor(v) : this.obscure(cat, v));
    }
    return [...new Set(out)];
  }

  private obscure(cat: Category, v: string): string {
    switch (cat) {
      case 'keep':
        return v;
      case 'email':
        return this.pseudo.email(v);
      case 'phone':
        return this.pseudo.phone(v);
      case 'identifier':
        return this.pseudo.identifier(v);
      case 'anchor':
        return String(this.pseudo.anchor(v));
      default:
        return this.pseudo.text(v);
    }
  }

  /** A DN value's pseudonym, by the category of its attribute type. */
  private valueOf(type: string, value: string): string {
    const cat = this.policy.categoryOf(type);
    return cat === 'keep' || cat === 'dn' ? this.pseudo.text(value) : this.obscure(cat, value);
  }

  private member(dn: string): string | null {
    const m = this.sel.spool.member(normalizeDn(dn));
    const out = m === undefined ? null : this.dn(m);
    if (out === null) this.stats.members.dropped++;
    else this.stats.members.kept++;
    return out;
  }

  private reference(dn: string): string | null {
    const r = this.sel.spool.userReference(normalizeDn(dn));
    const out = r ? this.dn(r.dn) : null;
    if (out === null) this.stats.references.dropped++;
    else if (r?.standIn) this.stats.references.standIn++;
    else this.stats.references.kept++;
    return out;
  }
}

/** The anchor the readers will find in a written entry (normalize.ts: a GUID's string form, other binary anchors as hex). */
function writtenAnchor(attribute: string, values: readonly (string | Buffer)[] | undefined): string {
  const v = values?.[0];
  if (v === undefined) return '';
  if (!Buffer.isBuffer(v)) return v.trim();
  return attribute === 'objectguid' && v.length === 16 ? guidToString(v) : v.toString('hex');
}
