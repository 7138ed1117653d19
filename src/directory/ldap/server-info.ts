/**
 * What the directory server says about itself: the rootDSE, and from it the change position of a
 * scan (checkpoint). Active Directory: the DC's dnsHostName, its invocationId (from its NTDS
 * Settings object) and highestCommittedUSN. OpenLDAP: the contextCSN of the database holding the
 * base DN (maintained by the syncprov overlay); without it, the agent's clock for modifyTimestamp.
 * Reading the position is one request when the connection already knows the server (its rootDSE
 * and, on AD, the invocationId, which changes only when the DC is restored, and so restarted,
 * which ends the connection): the cheap query of an idle poll.
 */
import type { Checkpoint } from '../source';
import type { Searcher } from './connection';
import { toGeneralizedTime } from '../checkpoint';
import { isUnder } from '../dn';
import { guidToString } from '../normalize';

export interface RootDse {
  dnsHostName?: string;
  dsServiceName?: string;
  highestCommittedUSN?: string;
  defaultNamingContext?: string;
  namingContexts: string[];
  supportedControl: string[];
}

const one = (v: unknown): string | undefined => (Array.isArray(v) ? (v[0] as string | undefined) : typeof v === 'string' ? v : undefined);
const many = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []);

export async function readRootDse(client: Searcher): Promise<RootDse> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['dnsHostName', 'dsServiceName', 'highestCommittedUSN', 'defaultNamingContext', 'namingContexts', 'supportedControl'],
  });
  const e = (searchEntries[0] ?? {}) as Record<string, unknown>;
  return {
    dnsHostName: one(e.dnsHostName),
    dsServiceName: one(e.dsServiceName),
    highestCommittedUSN: one(e.highestCommittedUSN),
    defaultNamingContext: one(e.defaultNamingContext),
    namingContexts: many(e.namingContexts),
    supportedControl: many(e.supportedControl),
  };
}

/** AD: the checkpoint of the DC we are talking to; `invocationId` when the connection read it already. */
export async function adCheckpoint(client: Searcher, root: RootDse, invocationId?: string): Promise<Extract<Checkpoint, { kind: 'ad-usn' }>> {
  if (!root.highestCommittedUSN || !root.dsServiceName || !root.dnsHostName) {
    throw new Error('the server does not look like an Active Directory domain controller (no highestCommittedUSN/dsServiceName in the rootDSE)');
  }
  if (invocationId) return { kind: 'ad-usn', dc: root.dnsHostName, invocationId, usn: root.highestCommittedUSN };
  const { searchEntries } = await client.search(root.dsServiceName, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['invocationId'],
    explicitBufferAttributes: ['invocationId'],
  });
  const raw: unknown = (searchEntries[0] as Record<string, unknown> | undefined)?.invocationId;
  const buf: unknown = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
  if (!Buffer.isBuffer(buf)) throw new Error(`cannot read the invocationId of ${root.dsServiceName}`);
  return { kind: 'ad-usn', dc: root.dnsHostName, invocationId: guidToString(buf), usn: root.highestCommittedUSN };
}

/** The naming context (database suffix) a DN lives in: the longest one it ends with. */
function namingContextOf(dn: string, contexts: readonly string[]): string | undefined {
  return [...contexts].filter((c) => isUnder(dn, c)).sort((a, b) => b.length - a.length)[0];
}

/** OpenLDAP: the contextCSN values (one per server id in multi-provider setups) of a database suffix. */
async function contextCsns(client: Searcher, suffix: string): Promise<string[]> {
  const { searchEntries } = await client.search(suffix, { scope: 'base', filter: '(objectClass=*)', attributes: ['contextCSN'] });
  return many((searchEntries[0] as Record<string, unknown> | undefined)?.contextCSN);
}

/**
 * OpenLDAP: the change position of the databases holding the base DNs (one request per database,
 * usually one). The checkpoint's `csn` is the smallest contextCSN (safe to resume from in
 * multi-provider setups); `csns` are all of them, so that a write on any provider moves the position.
 */
export async function ldapCheckpoint(
  client: Searcher,
  baseDns: readonly string[],
  root: RootDse,
  method: 'csn' | 'timestamp' | 'auto',
  now: Date,
): Promise<Checkpoint> {
  if (method !== 'timestamp') {
    const suffixes = [...new Set(baseDns.map((b) => namingContextOf(b, root.namingContexts) ?? b))];
    const perSuffix = await Promise.all(suffixes.map((s) => contextCsns(client, s)));
    if (perSuffix.every((c) => c.length > 0)) {
      const csns = [...new Set(perSuffix.flat())].sort();
      return { kind: 'ldap-csn', csn: csns[0], csns };
    }
    if (method === 'csn')
      throw new Error('changeTracking.method is csn, but the server keeps no contextCSN for the base DNs (is the syncprov overlay configured?)');
  }
  return { kind: 'ldap-timestamp', timestamp: toGeneralizedTime(now) };
}
