/**
 * OpenLDAP's accesslog overlay (`cn=accesslog`): the deletions and renames the server logged, so
 * that an incremental run sees the users deleted or moved out of scope since its watermark (an
 * entryCSN search cannot: a deleted entry is gone, a moved one is outside the base DNs).
 *
 * Each log record carries the CSN of the change it logs as its own entryCSN (delta-syncrepl
 * relies on it), so the records of one run are those whose CSN lies after the previous run's
 * contextCSN and at or before this run's, per server id: every change is reported by exactly one
 * run, and counted once toward `lifecycle.missingGraceRuns`. The log is written as the change
 * completes, a moment after the data: when the log's own contextCSN has not reached this run's
 * yet, it is read again.
 */
import { inScope, normalizeDn } from '../dn';
import { and, escapeFilterValue, gte, lte, or } from '../filter';
import type { GoneUser } from '../source';
import type { Searcher } from './connection';
import type { RootDse } from './server-info';

export const ACCESSLOG_DN = 'cn=accesslog';

/** How often, and how long apart, the log is read again while it has not caught up with the data. */
const CATCH_UP = { attempts: 5, waitMs: 20 };

export type AccessLogStatus = { ok: true } | { ok: false; reason: string };

/** Whether the server keeps an accesslog that the bound account can read. */
export async function probeAccessLog(conn: Searcher, root: RootDse): Promise<AccessLogStatus> {
  if (!root.namingContexts.some((c) => normalizeDn(c) === ACCESSLOG_DN)) {
    return { ok: false, reason: `the server keeps no accesslog (${ACCESSLOG_DN} is not one of its naming contexts)` };
  }
  try {
    const r = await conn.search(ACCESSLOG_DN, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
    if (r.searchEntries.length) return { ok: true };
  } catch (e) {
    const code = (e as { code?: number }).code;
    // noSuchObject, insufficientAccess: there, but not for this account
    if (code !== 32 && code !== 50) throw e;
  }
  return { ok: false, reason: `the bind account cannot read ${ACCESSLOG_DN}` };
}

/** The server id of a CSN (`time#count#sid#mod`). */
const sidOf = (csn: string) => csn.split('#')[2] ?? '';

/** Whether a change's CSN lies after `from` and at or before `to` (contextCSN values, one per server id). */
export function inWindow(csn: string, from: readonly string[], to: readonly string[]): boolean {
  const sid = sidOf(csn);
  const end = to.find((c) => sidOf(c) === sid);
  if (end === undefined || csn > end) return false;
  const start = from.find((c) => sidOf(c) === sid);
  return start === undefined || csn > start;
}

interface Scope {
  baseDns: readonly string[];
  scope: 'sub' | 'one';
}

/** One successful delete or modrdn record of the log. */
export interface LogRecord {
  type: string;
  csn: string;
  dn: string;
  /** modrdn: the entry's new DN. */
  newDn?: string;
  entryUuid?: string;
}

/** What a record means for the users in scope: one gone (deleted, moved out), or nothing. */
export function goneOf(r: LogRecord, scope: Scope): GoneUser | undefined {
  if (!r.entryUuid || !inScope(r.dn, scope.baseDns, scope.scope)) return undefined;
  if (r.type === 'delete') return { anchor: r.entryUuid, why: 'deleted' };
  if (r.type === 'modrdn' && r.newDn !== undefined && !inScope(r.newDn, scope.baseDns, scope.scope)) {
    return { anchor: r.entryUuid, why: 'moved out of scope' };
  }
  return undefined;
}

/** modrdn: the new DN, from reqNewDN (OpenLDAP 2.5) or from the new RDN and superior. */
function newDnOf(e: Record<string, unknown>, dn: string): string | undefined {
  const newDn = one(e.reqNewDN);
  if (newDn) return newDn;
  const rdn = one(e.reqNewRDN);
  if (!rdn) return undefined;
  const superior = one(e.reqNewSuperior) ?? dn.slice(dn.search(/(?<!\\),/) + 1);
  return `${rdn},${superior}`;
}

const one = (v: unknown): string | undefined => (Array.isArray(v) ? (v[0] as string | undefined) : typeof v === 'string' ? v : undefined);

/**
 * The users gone from scope between two checkpoints (contextCSN values), a page at a time:
 * deletions, and moves (modrdn with a new superior) from a DN in scope to one outside it.
 */
export async function* readGoneUsers(
  conn: Searcher & { searchPaginated(base: string, options: object): AsyncIterable<{ searchEntries: Record<string, unknown>[] }> },
  scope: Scope,
  from: readonly string[],
  to: readonly string[],
  pageSize: number,
  onEntries: (n: number) => void,
): AsyncIterable<GoneUser[]> {
  await waitForLog(conn, to);
  const filter = and(
    '(objectClass=auditWriteObject)',
    '(reqResult=0)',
    or('(reqType=delete)', '(reqType=modrdn)'),
    gte('entryCSN', [...from].sort()[0] ?? ''),
    lte('entryCSN', [...to].sort().at(-1) ?? ''),
    or(...scope.baseDns.map((b) => `(reqDN:dnSubtreeMatch:=${escapeFilterValue(b)})`)),
  );
  const pages = conn.searchPaginated(ACCESSLOG_DN, {
    scope: 'one',
    filter,
    attributes: ['reqType', 'reqDN', 'reqNewDN', 'reqNewRDN', 'reqNewSuperior', 'reqEntryUUID', 'entryCSN'],
    paged: { pageSize },
  });
  for await (const page of pages) {
    onEntries(page.searchEntries.length);
    const gone: GoneUser[] = [];
    for (const e of page.searchEntries) {
      const csn = one(e.entryCSN);
      const dn = one(e.reqDN);
      const type = one(e.reqType);
      if (!csn || !dn || !type || !inWindow(csn, from, to)) continue;
      const g = goneOf({ type, csn, dn, newDn: type === 'modrdn' ? newDnOf(e, dn) : undefined, entryUuid: one(e.reqEntryUUID) }, scope);
      if (g) gone.push(g);
    }
    yield gone;
  }
}

/** Read the log's contextCSN until it reaches `to` (the log is written a moment after the data), a few times at most. */
async function waitForLog(conn: Searcher, to: readonly string[]): Promise<void> {
  for (let i = 0; i < CATCH_UP.attempts; i++) {
    const r = await conn.search(ACCESSLOG_DN, { scope: 'base', filter: '(objectClass=*)', attributes: ['contextCSN'] });
    const v = (r.searchEntries[0] as Record<string, unknown> | undefined)?.contextCSN;
    const logged = Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
    // a log without syncprov keeps no contextCSN: nothing to wait for
    if (!logged.length || to.every((c) => logged.some((l) => sidOf(l) === sidOf(c) && l >= c))) return;
    await new Promise((r) => setTimeout(r, CATCH_UP.waitMs));
  }
}
