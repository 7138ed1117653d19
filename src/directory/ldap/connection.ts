/**
 * One authenticated LDAP connection (ldapts 8): ldap://, ldaps:// or ldap:// + StartTLS, with
 * certificate verification on unless the config turns it off, a CA file, connect and operation
 * timeouts. Failures become {@link DirectoryError}s that say what went wrong and never the password.
 *
 * Every request goes through {@link LdapConnection.search} / {@link LdapConnection.searchPaginated},
 * which count it in the {@link DirectoryReads} of the run using the connection (`reads`, set by
 * the run). A connection outlives a run when the source keeps it (a daemon's polls); `bound` says
 * whether it is still usable: ldapts reconnects a dropped connection by itself, but anonymously,
 * so a connection that dropped once is never used again.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, ResultCodeError, type Control, type Entry, type SearchOptions, type SearchResult } from 'ldapts';
import type { LdapSourceConfig } from '../schema';
import type { DirectoryReads } from '../source';
import { DirectoryError } from '../types';
import { describeResult, serverTextOf } from './result-codes';

export type { Control, Entry, SearchOptions, SearchResult };

/** What readers of server information and ranged values need of a connection. */
export interface Searcher {
  search(base: string, options: SearchOptions, controls?: Control | Control[]): Promise<SearchResult>;
}

export class LdapConnection implements Searcher {
  private constructor(
    private readonly client: Client,
    readonly url: string,
    /** The reads of the run using the connection. */
    public reads: DirectoryReads,
  ) {}

  /** Still connected and bound (false once the server closed it, even if ldapts would reconnect). */
  get bound(): boolean {
    return this.client.isBound;
  }

  async search(base: string, options: SearchOptions, controls?: Control | Control[]): Promise<SearchResult> {
    this.reads.queries++;
    return this.client.search(base, options, controls);
  }

  /** A paged search, a page at a time; each page is one request. */
  async *searchPaginated(base: string, options: SearchOptions, controls?: Control | Control[]): AsyncGenerator<SearchResult> {
    const pages = this.client.searchPaginated(base, options, controls);
    try {
      for (;;) {
        const next = await pages.next();
        if (next.done) return;
        this.reads.queries++;
        yield next.value;
      }
    } finally {
      await pages.return(undefined);
    }
  }

  static async open(cfg: LdapSourceConfig, reads: DirectoryReads): Promise<LdapConnection> {
    const tlsOptions = tlsOptionsOf(cfg);
    const isLdaps = cfg.url.toLowerCase().startsWith('ldaps:');
    const client = new Client({
      url: cfg.url,
      timeout: cfg.timeoutMs,
      connectTimeout: cfg.connectTimeoutMs,
      tlsOptions: isLdaps ? tlsOptions : undefined,
      strictDN: false,
    });
    try {
      if (cfg.startTls) {
        reads.queries++;
        await client.startTLS(tlsOptions);
      }
    } catch (e) {
      await client.unbind().catch(() => undefined);
      throw mapError(e, cfg, 'StartTLS');
    }
    try {
      reads.queries++;
      await client.bind(cfg.bindDn, cfg.bindPassword.reveal());
    } catch (e) {
      await client.unbind().catch(() => undefined);
      throw mapError(e, cfg, 'bind');
    }
    return new LdapConnection(client, cfg.url, reads);
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

function tlsOptionsOf(cfg: LdapSourceConfig): ConnectionOptions {
  const host = new URL(cfg.url).hostname.replace(/^\[(.*)\]$/, '$1');
  // SNI carries host names only (RFC 6066): for an IP address the certificate is checked against
  // the address itself, and Node would warn (DEP0123) on every connection if it were set
  const servername = cfg.tls.serverName ?? (isIP(host) ? undefined : host);
  const opts: ConnectionOptions = { rejectUnauthorized: cfg.tls.rejectUnauthorized, ...(servername ? { servername } : {}) };
  if (cfg.tls.caFile) {
    try {
      opts.ca = readFileSync(cfg.tls.caFile);
    } catch (e) {
      throw new DirectoryError('tls', `cannot read source.tls.caFile ${cfg.tls.caFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  return opts;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);
/**
 * ldapts's words when the server went away with requests outstanding (a killed or restarted
 * server); a socket error (a reset) comes as "Socket error. Message type: … (0x63)\nread ECONNRESET",
 * without an error code.
 */
const CONNECTION_LOST = /Connection closed before message response|Socket connection not established|^Socket error\./i;
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|altname|certificate|SSL|wrong version number/i;

/**
 * A failure of `during` (StartTLS, bind, `search of <base>`, …) as a DirectoryError whose kind says
 * which step failed: unreachable, tls, bind, base-dn (the base DN does not exist) or search. LDAP
 * result codes are named, with what to do (result-codes.ts).
 */
export function mapError(e: unknown, cfg: LdapSourceConfig, during: string): DirectoryError {
  if (e instanceof DirectoryError) return e;
  const err = e as NodeJS.ErrnoException & { code?: string | number };
  const msg = err?.message ?? String(e);
  const isBind = during === 'bind';
  const failed = isBind ? `bind as ${cfg.bindDn} to ${cfg.url} failed` : `${during} on ${cfg.url} failed`;
  if (e instanceof ResultCodeError) {
    const paged = /^search of /.test(during) ? cfg.pageSize : undefined;
    const text = `${failed}: ${describeResult(e.code, serverTextOf(msg), { during, pageSize: paged })}`;
    const kind = isBind ? 'bind' : e.code === 32 && /^search of /.test(during) ? 'base-dn' : 'search';
    return new DirectoryError(kind, text, { cause: e });
  }
  if (typeof err.code === 'string' && UNREACHABLE.has(err.code)) {
    return new DirectoryError('unreachable', `directory ${cfg.url} is unreachable during ${during}: ${err.code}`, { cause: e });
  }
  if (CONNECTION_LOST.test(msg)) {
    return new DirectoryError('unreachable', `directory ${cfg.url} closed the connection during ${during}: ${msg.replace(/\s*\n\s*/g, ': ')}`, { cause: e });
  }
  if ((typeof err.code === 'string' && TLS.test(err.code)) || TLS.test(msg)) {
    return new DirectoryError('tls', `TLS with ${cfg.url} failed during ${during}: ${msg}`, { cause: e });
  }
  if (/timeout|timed out/i.test(msg) || err.name === 'TimeoutError') {
    return new DirectoryError('unreachable', `directory ${cfg.url} did not answer during ${during}: ${msg}`, { cause: e });
  }
  return new DirectoryError(isBind ? 'bind' : 'search', `${failed}: ${msg}`, { cause: e });
}
