/**
 * What the directory server says about itself: the rootDSE, and from it the change position of a
 * scan (checkpoint). Active Directory: the DC's dnsHostName, its invocationId (from its NTDS
 * Settings object) and highestCommittedUSN. OpenLDAP: the contextCSN of the database holding the
 * base DN (maintained by the syncprov overlay); without it, the agent's clock for modifyTimestamp.
 */
import type { Client } from 'ldapts';
import type { Checkpoint } from '../source';
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

export async function readRootDse(client: Client): Promise<RootDse> {
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

/** AD: the checkpoint of the DC we are talking to. */
export async function adCheckpoint(client: Client, root: RootDse): Promise<Checkpoint> {
  if (!root.highestCommittedUSN || !root.dsServiceName || !root.dnsHostName) {
    throw new Error('the server does not look like an Active Directory domain controller (no highestCommittedUSN/dsServiceName in the rootDSE)');
  }
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

/**
 * OpenLDAP: the smallest contextCSN of the database holding `baseDn` (one per server id in
 * multi-provider setups; the smallest is safe). Undefined when the server keeps none.
 */
async function contextCsn(client: Client, baseDn: string, root: RootDse): Promise<string | undefined> {
  const suffix = namingContextOf(baseDn, root.namingContexts) ?? baseDn;
  const { searchEntries } = await client.search(suffix, { scope: 'base', filter: '(objectClass=*)', attributes: ['contextCSN'] });
  const csns = many((searchEntries[0] as Record<string, unknown> | undefined)?.contextCSN);
  return csns.sort()[0];
}

export async function ldapCheckpoint(
  client: Client,
  baseDns: readonly string[],
  root: RootDse,
  method: 'csn' | 'timestamp' | 'auto',
  now: Date,
): Promise<Checkpoint> {
  if (method !== 'timestamp') {
    const csns = (await Promise.all(baseDns.map((b) => contextCsn(client, b, root)))).filter((c): c is string => !!c);
    if (csns.length === baseDns.length) return { kind: 'ldap-csn', csn: csns.sort()[0] };
    if (method === 'csn')
      throw new Error('changeTracking.method is csn, but the server keeps no contextCSN for the base DNs (is the syncprov overlay configured?)');
  }
  return { kind: 'ldap-timestamp', timestamp: toGeneralizedTime(now) };
}
