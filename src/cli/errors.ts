/**
 * Turning a failure into a message for the person at the terminal (or journald) and an exit code.
 * Messages name the thing: the config file, line and key; the directory URL and bind DN; Okta's
 * error code. They never contain a secret.
 */
import { ConfigError } from '../config/load';
import { DirectoryError } from '../directory/types';
import { OktaFatalError } from '../okta/errors';
import { StateError } from '../state/db';
import { OrgMismatchError } from '../sync/mirror/refresh';
import { RunLockedError } from '../sync/run';
import { UserSchemaMismatch } from '../sync/user-schema';
import { scrub } from '../util/log';
import { EXIT, type ExitCode } from './exit-codes';

export function exitCodeOf(e: unknown): ExitCode {
  if (e instanceof ConfigError || e instanceof UserSchemaMismatch || e instanceof OrgMismatchError) return EXIT.CONFIG;
  if (e instanceof DirectoryError) return EXIT.DIRECTORY;
  if (e instanceof OktaFatalError) return EXIT.OKTA_AUTH;
  if (e instanceof RunLockedError) return EXIT.LOCKED;
  return EXIT.INTERNAL;
}

export function describeError(e: unknown): string {
  if (e instanceof ConfigError) return `configuration error${e.issues.length > 1 ? `s (${e.issues.length})` : ''}:\n${e.message}`;
  if (e instanceof UserSchemaMismatch) return `configuration error: ${e.message}`;
  if (e instanceof DirectoryError) return `directory error (${e.kind}): ${e.message}`;
  if (e instanceof OktaFatalError) return `Okta ${e.kind === 'auth' ? 'authentication' : 'connection'} error: ${e.message}`;
  if (e instanceof OrgMismatchError) return `wrong Okta org: ${e.message}`;
  if (e instanceof RunLockedError || e instanceof StateError) return e.message;
  const err = e as Error;
  return scrub(err?.stack ?? String(e));
}
