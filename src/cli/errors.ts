/**
 * Turning a failure into a message for the person at the terminal (or journald) and an exit code.
 * Messages name the thing: the config file, line and key; the directory URL and bind DN; Okta's
 * error code; the state file and what to do. They never contain a secret, and never a stack trace
 * unless asked for (--debug): an unexpected error prints its message and how to get the stack.
 */
import { ConfigError } from '../config/load';
import { DirectoryError } from '../directory/types';
import { OktaFatalError } from '../okta/errors';
import { sqliteError, StateError } from '../state/store';
import { OrgMismatchError } from '../sync/mirror/refresh';
import { RunLockedError } from '../sync/run';
import { UserSchemaMismatch } from '../sync/user-schema';
import { scrub } from '../util/log';
import { EXIT, type ExitCode } from './exit-codes';

/** The failure as the agent knows it: an SQLite error thrown in the middle of a run is a state error. */
function known(e: unknown): unknown {
  return sqliteError(e) ?? e;
}

export function exitCodeOf(e: unknown): ExitCode {
  const k = known(e);
  if (k instanceof ConfigError || k instanceof UserSchemaMismatch || k instanceof OrgMismatchError) return EXIT.CONFIG;
  if (k instanceof DirectoryError) return EXIT.DIRECTORY;
  if (k instanceof OktaFatalError) return EXIT.OKTA_AUTH;
  if (k instanceof RunLockedError) return EXIT.LOCKED;
  if (k instanceof StateError) return k.kind === 'not-state' ? EXIT.CONFIG : EXIT.STATE;
  return EXIT.INTERNAL;
}

export function describeError(e: unknown, opts: { debug?: boolean } = {}): string {
  const message = messageOf(known(e));
  return opts.debug ? `${message}\n${stacks(e)}` : message;
}

function messageOf(e: unknown): string {
  if (e instanceof ConfigError) return `configuration error${e.issues.length > 1 ? `s (${e.issues.length})` : ''}:\n${e.message}`;
  if (e instanceof UserSchemaMismatch) return `configuration error: ${e.message}`;
  if (e instanceof DirectoryError) return `directory error (${e.kind === 'base-dn' ? 'base DN' : e.kind}): ${e.message}`;
  if (e instanceof OktaFatalError) return `Okta ${e.kind === 'auth' ? 'authentication' : 'connection'} error: ${e.message}`;
  if (e instanceof OrgMismatchError) return `wrong Okta org: ${e.message}`;
  if (e instanceof StateError) return `state error: ${e.message}`;
  if (e instanceof RunLockedError) return e.message;
  const err = e as Error;
  // the one message not written by the agent: scrubbed of anything that looks like a secret
  return scrub(`unexpected error: ${err?.name ?? 'Error'}: ${err?.message ?? String(e)} (run again with --debug for the stack trace)`);
}

/** The stack of the error and of each cause, scrubbed of anything that looks like a secret. */
function stacks(e: unknown): string {
  const out: string[] = [];
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    out.push((depth ? 'caused by: ' : '') + String((c as Error).stack ?? c));
  }
  return scrub(out.join('\n'));
}
