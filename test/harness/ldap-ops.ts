import type { ConnectionOptions } from 'node:tls';
import { Attribute, Change, Client, type Entry, type SearchOptions } from 'ldapts';
import { normalizeDn, parentDn, splitDn, type LdapAttributes, type LdapEntry, type LdapValue } from './ldif';

/**
 * Online LDAP operations shared by the slapd and Samba AD helpers (ldapts 8): bound clients, bulk adds
 * over several connections in dependency order, modifies, renames/moves, subtree deletes and paged
 * searches. Errors name the operation and DN.
 */
export interface LdapCredentials {
  url: string;
  bindDn: string;
  bindPassword: string;
  /** Used for ldaps:// URLs, and for StartTLS when `startTls` is set. */
  tlsOptions?: ConnectionOptions;
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  startTls?: boolean;
}

export class LdapOperationError extends Error {
  constructor(
    readonly operation: string,
    readonly dn: string,
    readonly code: number | undefined,
    cause: unknown,
  ) {
    super(`${operation} ${JSON.stringify(dn)} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'LdapOperationError';
  }
}

function codeOf(err: unknown): number | undefined {
  const c = (err as { code?: unknown } | undefined)?.code;
  return typeof c === 'number' ? c : undefined;
}

async function wrap<T>(operation: string, dn: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LdapOperationError) throw err;
    throw new LdapOperationError(operation, dn, codeOf(err), err);
  }
}

/**
 * A connected client bound with `creds` (the caller unbinds it).
 * NB ldapts 8 speaks TLS from the first byte whenever `tlsOptions` is given, even for an ldap:// URL, so
 * they are only passed for ldaps:// (and to startTLS()).
 */
export async function connect(creds: LdapCredentials, opts: { timeoutMs?: number } = {}): Promise<Client> {
  const ldaps = creds.url.toLowerCase().startsWith('ldaps:');
  const client = new Client({
    url: creds.url,
    timeout: opts.timeoutMs ?? 60000,
    connectTimeout: 10000,
    ...(ldaps && creds.tlsOptions ? { tlsOptions: creds.tlsOptions } : {}),
  });
  try {
    if (creds.startTls && !ldaps) await client.startTLS(creds.tlsOptions ?? {});
    await client.bind(creds.bindDn, creds.bindPassword);
  } catch (err) {
    await client.unbind().catch(() => undefined);
    throw new LdapOperationError(creds.startTls ? 'startTLS+bind' : 'bind', creds.bindDn, codeOf(err), err);
  }
  return client;
}

/** Runs `fn` with a bound client and unbinds afterwards. */
export async function withClient<T>(creds: LdapCredentials, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = await connect(creds);
  try {
    return await fn(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

function asList(v: LdapValue | readonly LdapValue[]): LdapValue[] {
  return Array.isArray(v) ? [...(v as LdapValue[])] : [v as LdapValue];
}

/** ldapts wants all-string or all-Buffer value lists. */
export function toAttribute(type: string, v: LdapValue | readonly LdapValue[]): Attribute {
  const list = asList(v);
  const values = list.some((x) => Buffer.isBuffer(x)) ? list.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(x, 'utf8'))) : (list as string[]);
  return new Attribute({ type, values });
}

export function toAttributes(attrs: LdapAttributes): Attribute[] {
  return Object.entries(attrs).map(([k, v]) => toAttribute(k, v));
}

/** A modify request: replace (empty list removes the attribute), add values, delete values (null: all). */
export interface ModifySpec {
  replace?: Record<string, LdapValue | readonly LdapValue[]>;
  add?: Record<string, LdapValue | readonly LdapValue[]>;
  delete?: Record<string, LdapValue | readonly LdapValue[] | null>;
}

export function toChanges(spec: ModifySpec): Change[] {
  const changes: Change[] = [];
  for (const [k, v] of Object.entries(spec.replace ?? {})) changes.push(new Change({ operation: 'replace', modification: toAttribute(k, v) }));
  for (const [k, v] of Object.entries(spec.add ?? {})) changes.push(new Change({ operation: 'add', modification: toAttribute(k, v) }));
  for (const [k, v] of Object.entries(spec.delete ?? {}))
    changes.push(new Change({ operation: 'delete', modification: v === null ? new Attribute({ type: k, values: [] }) : toAttribute(k, v) }));
  return changes;
}

export function modifyEntry(client: Client, dn: string, spec: ModifySpec): Promise<void> {
  return wrap('modify', dn, () => client.modify(dn, toChanges(spec)));
}

/**
 * Renames and/or moves an entry. `newDn` is the full new DN (RDN + new parent). ldapts splits the new DN
 * at the first unescaped comma itself.
 */
export function renameEntry(client: Client, dn: string, newDn: string): Promise<void> {
  return wrap('modifyDN', dn, () => client.modifyDN(dn, newDn));
}

/** Attributes whose values are DNs of other entries: an entry is added after the entries it names. */
const DN_VALUED = ['member', 'uniquemember', 'manager', 'secretary', 'owner', 'managedby', 'seealso'];

/** Values per add request: longer lists (a 2,000-member group) are added in follow-up modifies. */
const MAX_VALUES_PER_OP = 1000;

/**
 * Splits entries into layers: an entry comes after its parent and after the entries its DN-valued
 * attributes (member, manager, …) name, when those are in the same batch. Within a layer, order is kept.
 */
export function dependencyLayers(entries: readonly LdapEntry[]): LdapEntry[][] {
  const index = new Map<string, number>();
  entries.forEach((e, i) => index.set(normalizeDn(e.dn), i));
  const layer = new Array<number>(entries.length).fill(-1);
  const visiting = new Set<number>();
  const depOf = (i: number): number => {
    if (layer[i] !== -1) return layer[i];
    if (visiting.has(i)) return 0; // a cycle (group nested in itself): break it here
    visiting.add(i);
    const e = entries[i];
    const deps: number[] = [];
    const parent = index.get(normalizeDn(parentDn(e.dn)));
    if (parent !== undefined) deps.push(parent);
    for (const [k, v] of Object.entries(e.attributes)) {
      if (!DN_VALUED.includes(k.toLowerCase())) continue;
      for (const ref of asList(v)) {
        const j = index.get(normalizeDn(ref.toString()));
        if (j !== undefined && j !== i) deps.push(j);
      }
    }
    const l = deps.length ? Math.max(...deps.map(depOf)) + 1 : 0;
    visiting.delete(i);
    layer[i] = l;
    return l;
  };
  const layers: LdapEntry[][] = [];
  entries.forEach((e, i) => (layers[depOf(i)] ??= []).push(e));
  return layers.filter(Boolean);
}

/**
 * Adds entries online over `concurrency` connections, parents and referenced entries first (so the
 * server's memberOf and AD's linked attributes see them). Value lists longer than 1,000 are added in
 * follow-up modifies.
 */
export async function addEntries(creds: LdapCredentials, entries: readonly LdapEntry[], opts: { concurrency?: number } = {}): Promise<void> {
  if (!entries.length) return;
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 6, entries.length));
  const clients = await Promise.all(Array.from({ length: concurrency }, () => connect(creds)));
  try {
    for (const layer of dependencyLayers(entries)) {
      let next = 0;
      await Promise.all(
        clients.map(async (client) => {
          while (next < layer.length) {
            const entry = layer[next++];
            await addOne(client, entry);
          }
        }),
      );
    }
  } finally {
    await Promise.all(clients.map((c) => c.unbind().catch(() => undefined)));
  }
}

/** Adds one entry; long value lists go in chunks (add with the first chunk, then modify/add). */
export async function addOne(client: Client, entry: LdapEntry): Promise<void> {
  const first: LdapAttributes = {};
  const rest: [string, LdapValue[]][] = [];
  const self = normalizeDn(entry.dn);
  for (const [k, v] of Object.entries(entry.attributes)) {
    let list = asList(v);
    // a reference to the entry itself (someone who is their own manager) can only be set once it exists
    if (DN_VALUED.includes(k.toLowerCase()) && list.some((x) => normalizeDn(x.toString()) === self)) {
      rest.push([k, list.filter((x) => normalizeDn(x.toString()) === self)]);
      list = list.filter((x) => normalizeDn(x.toString()) !== self);
      if (!list.length) continue;
    }
    if (list.length > MAX_VALUES_PER_OP) {
      first[k] = list.slice(0, MAX_VALUES_PER_OP);
      rest.push([k, list.slice(MAX_VALUES_PER_OP)]);
    } else first[k] = list.length === 1 ? list[0] : list;
  }
  await wrap('add', entry.dn, () => client.add(entry.dn, toAttributes(first)));
  for (const [k, list] of rest) {
    for (let i = 0; i < list.length; i += MAX_VALUES_PER_OP) {
      await modifyEntry(client, entry.dn, { add: { [k]: list.slice(i, i + MAX_VALUES_PER_OP) } });
    }
  }
}

/** Paged subtree search (page size 500), all pages collected. */
export async function searchAll(client: Client, base: string, options: SearchOptions = {}): Promise<Entry[]> {
  return wrap('search', base, async () => {
    const out: Entry[] = [];
    for await (const page of client.searchPaginated(base, { scope: 'sub', paged: { pageSize: 500 }, ...options })) out.push(...page.searchEntries);
    return out;
  });
}

/** Deletes an entry and everything below it (deepest first); missing entries are fine. */
export async function deleteTree(client: Client, dn: string): Promise<number> {
  let found: Entry[];
  try {
    found = await searchAll(client, dn, { attributes: ['1.1'] });
  } catch (err) {
    if (err instanceof LdapOperationError && err.code === 32) return 0;
    throw err;
  }
  const dns = found.map((e) => e.dn).sort((a, b) => splitDn(b).length - splitDn(a).length);
  for (const d of dns) await wrap('delete', d, () => client.del(d));
  return dns.length;
}

export function deleteEntry(client: Client, dn: string): Promise<void> {
  return wrap('delete', dn, () => client.del(dn));
}

/** modify, rename and delete as one account (each opens its own connection): shared by the slapd and AD harnesses. */
export function writeOps(creds: LdapCredentials) {
  const as = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withClient(creds, fn);
  return {
    modify: (dn: string, spec: ModifySpec): Promise<void> => as((c) => modifyEntry(c, dn, spec)),
    rename: (dn: string, newDn: string): Promise<void> => as((c) => renameEntry(c, dn, newDn)),
    async del(dn: string, opts?: { subtree?: boolean }): Promise<void> {
      await as(async (c) => {
        if (opts?.subtree) await deleteTree(c, dn);
        else await deleteEntry(c, dn);
      });
    },
  };
}
