/**
 * Which attributes a sample entry carries, and how each value is obscured.
 *
 * Written: what the configuration reads — the attributes the transforms reference, those the user
 * filter and the disabled filter test, the anchor; for groups the naming attributes and member
 * lists — plus what the entry needs to load into OpenLDAP (objectClass, the RDN's attribute, the
 * attributes its object classes require). Everything else is dropped, and so is every binary
 * value (photos, certificates) and every password.
 *
 * Per attribute a category says how a value is obscured: `text` (names, free text: the default
 * for any attribute not listed), `identifier` (employee numbers), `email`, `phone`, `dn` (a
 * reference to another entry, resolved inside the sample), `anchor`, or `keep` for the
 * attributes that describe a population rather than a person (object classes, title, department,
 * city, employee type, status flags, …). `--keep` and `--pseudonymize` change a category.
 */
import { anchorAttributeOf, attributesToRead, flavorOf, groupFilterOf, memberAttributesOf, userFilterOf } from '../directory/attributes';
import { filterAttributes } from '../directory/ldap/filter-match';
import type { GroupSourceConfig, SourceConfig } from '../directory/schema';

export type Category = 'anchor' | 'dn' | 'email' | 'phone' | 'identifier' | 'text' | 'keep';

const list = (s: string) => s.split(/\s+/).filter(Boolean);

const BUILT_IN: Record<Exclude<Category, 'anchor' | 'text'>, string[]> = {
  dn: list('manager secretary seealso owner member uniquemember memberof directreports assistant managedby'),
  email: list('mail userprincipalname othermailbox rfc822mailbox proxyaddresses mailalternateaddress email emailaddress'),
  phone: list(`telephonenumber mobile homephone facsimiletelephonenumber pager ipphone othertelephone othermobile otherhomephone
    otherfacsimiletelephonenumber otheripphone otherpager telexnumber`),
  identifier: list('employeenumber employeeid uidnumber'),
  keep: list(`objectclass title department departmentnumber ou o company division c co countrycode l st employeetype preferredlanguage
    useraccountcontrol accountexpires shadowexpire shadowflag shadowinactive shadowlastchange shadowmax shadowmin shadowwarning
    pwdaccountlockedtime loginshell gidnumber businesscategory physicaldeliveryofficename organizationalstatus costcenter
    whencreated whenchanged createtimestamp modifytimestamp`),
};

/** Never written, whatever the configuration reads. */
const SECRETS = new Set(list('userpassword unicodepwd ntpassword lmpassword sambantpassword sambalmpassword authpassword'));

/** Attributes object classes require (OpenLDAP core, cosine, inetorgperson, nis), so a sample entry loads. */
const MUST: Record<string, string[]> = {
  person: ['sn', 'cn'],
  organizationalperson: ['sn', 'cn'],
  inetorgperson: ['sn', 'cn'],
  residentialperson: ['sn', 'cn', 'l'],
  account: ['uid'],
  posixaccount: ['cn', 'uid', 'uidnumber', 'gidnumber', 'homedirectory'],
  shadowaccount: ['uid'],
  groupofnames: ['cn', 'member'],
  groupofuniquenames: ['cn', 'uniquemember'],
  posixgroup: ['cn', 'gidnumber'],
  organizationalunit: ['ou'],
  organization: ['o'],
  domain: ['dc'],
  dcobject: ['dc'],
  organizationalrole: ['cn'],
  device: ['cn'],
};

/** Object classes a sample entry cannot keep: they require a password. */
const DROPPED_CLASSES = new Set(['simplesecurityobject']);

/** Read on top of the configuration's attributes: what the entries need to load (never written unless needed). */
export const STRUCTURAL_ATTRIBUTES = ['objectClass', ...new Set(Object.values(MUST).flat())].filter((a) => !SECRETS.has(a));

export interface AttributePolicy {
  categoryOf(name: string): Category;
  /** Lower-case names written for users (besides what the object classes and the RDN need). */
  readonly user: ReadonlySet<string>;
  /** Lower-case names written for groups. */
  readonly group: ReadonlySet<string>;
  /** Lower-case member attributes of groups. */
  readonly members: readonly string[];
  readonly anchor: string;
  /** Lower-case names the configuration's source reads (what a summary may call dropped). */
  readonly read: ReadonlySet<string>;
}

export interface PolicyInput {
  source: SourceConfig;
  groups?: GroupSourceConfig;
  /** The lower-case source attributes the transforms read. */
  referenced: readonly string[];
  keep?: readonly string[];
  pseudonymize?: readonly string[];
}

export function attributePolicy(i: PolicyInput): AttributePolicy {
  const anchor = anchorAttributeOf(i.source).toLowerCase();
  const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());
  const table = new Map<string, Category>();
  for (const [cat, names] of Object.entries(BUILT_IN)) for (const n of names) table.set(n, cat as Category);
  for (const n of lower(i.keep ?? [])) table.set(n, 'keep');
  for (const n of lower(i.pseudonymize ?? [])) table.set(n, table.get(n) === 'keep' || !table.has(n) ? 'text' : table.get(n)!);
  const filters = [userFilterOf(i.source), i.source.users.disabledFilter].filter((f): f is string => !!f);
  const disabledByFlavor = flavorOf(i.source).name === 'ad' ? ['useraccountcontrol', 'accountexpires'] : [];
  const user = new Set([...i.referenced, ...filters.flatMap((f) => lower(filterAttributes(f))), ...disabledByFlavor, anchor, 'objectclass']);
  const members = i.groups ? lower(memberAttributesOf(i.source, i.groups)) : [];
  const group = new Set(
    i.groups ? [...lower(i.groups.attributes), ...lower(filterAttributes(groupFilterOf(i.source, i.groups))), ...members, anchor, 'objectclass'] : [],
  );
  for (const s of SECRETS) {
    user.delete(s);
    group.delete(s);
  }
  return {
    categoryOf: (name) => {
      const n = name.toLowerCase();
      return n === anchor ? 'anchor' : (table.get(n) ?? 'text');
    },
    user,
    group,
    members,
    anchor,
    read: new Set(lower([...attributesToRead(i.source), ...(i.groups?.attributes ?? [])])),
  };
}

/** The object classes an entry keeps (lower-case compare) and the attributes they require. */
export function classesOf(objectClasses: readonly string[]): { classes: string[]; required: string[] } {
  const classes = objectClasses.filter((c) => !DROPPED_CLASSES.has(c.toLowerCase()));
  const required = [...new Set(classes.flatMap((c) => MUST[c.toLowerCase()] ?? []))];
  return { classes, required };
}

/** The object classes of a container entry named by an attribute type (the entries between the suffix and the users). */
export function containerClasses(type: string): { classes: string[]; extra?: string } {
  switch (type.toLowerCase()) {
    case 'ou':
      return { classes: ['top', 'organizationalUnit'] };
    case 'o':
      return { classes: ['top', 'organization'] };
    case 'dc':
      return { classes: ['top', 'domain'] };
    case 'l':
      return { classes: ['top', 'locality'] };
    case 'c':
      return { classes: ['top', 'country'] };
    case 'cn':
      return { classes: ['top', 'organizationalRole'] };
    default:
      return { classes: ['top', 'organizationalUnit', 'extensibleObject'], extra: 'ou' };
  }
}

/** Whether a value is binary (a Buffer, which the readers give for binary attributes and non-UTF-8 bytes). */
export const isBinary = (v: string | Buffer): v is Buffer => Buffer.isBuffer(v);
