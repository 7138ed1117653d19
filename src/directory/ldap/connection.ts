/**
 * One authenticated LDAP connection (ldapts 8): ldap://, ldaps:// or ldap:// + StartTLS, with
 * certificate verification on unless the config turns it off, a CA file, connect and operation
 * timeouts. Failures become {@link DirectoryError}s that say what went wrong and never the password.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError, type Control, type Entry, type SearchOptions } from 'ldapts';
import type { LdapSourceConfig } from '../schema';
import { DirectoryError } from '../types';

export type { Control, Entry, SearchOptions };

export class LdapConnection {
  private constructor(
    readonly client: Client,
    readonly url: string,
  ) {}

  static async open(cfg: LdapSourceConfig): Promise<LdapConnection> {
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
      if (cfg.startTls) await client.startTLS(tlsOptions);
    } catch (e) {
      await client.unbind().catch(() => undefined);
      throw mapError(e, cfg, 'StartTLS');
    }
    try {
      await client.bind(cfg.bindDn, cfg.bindPassword.reveal());
    } catch (e) {
      await client.unbind().catch(() => undefined);
      throw mapError(e, cfg, 'bind');
    }
    return new LdapConnection(client, cfg.url);
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

function tlsOptionsOf(cfg: LdapSourceConfig): ConnectionOptions {
  const host = new URL(cfg.url).hostname;
  const opts: ConnectionOptions = { rejectUnauthorized: cfg.tls.rejectUnauthorized, servername: cfg.tls.serverName ?? host };
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
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|altname|certificate|SSL|wrong version number/i;

export function mapError(e: unknown, cfg: LdapSourceConfig, during: string): DirectoryError {
  if (e instanceof DirectoryError) return e;
  const err = e as NodeJS.ErrnoException & { code?: string | number };
  const msg = err?.message ?? String(e);
  if (e instanceof InvalidCredentialsError) {
    return new DirectoryError('bind', `bind as ${cfg.bindDn} to ${cfg.url} failed: invalid credentials (LDAP result 49)`, { cause: e });
  }
  if (typeof err.code === 'string' && UNREACHABLE.has(err.code)) {
    return new DirectoryError('unreachable', `directory ${cfg.url} is unreachable during ${during}: ${err.code}`, { cause: e });
  }
  if ((typeof err.code === 'string' && TLS.test(err.code)) || TLS.test(msg)) {
    return new DirectoryError('tls', `TLS with ${cfg.url} failed during ${during}: ${msg}`, { cause: e });
  }
  if (/timeout|timed out/i.test(msg) || err.name === 'TimeoutError') {
    return new DirectoryError('unreachable', `directory ${cfg.url} did not answer during ${during}: ${msg}`, { cause: e });
  }
  if (during === 'bind') {
    return new DirectoryError('bind', `bind as ${cfg.bindDn} to ${cfg.url} failed: ${msg}`, { cause: e });
  }
  return new DirectoryError('search', `${during} on ${cfg.url} failed: ${msg}`, { cause: e });
}
