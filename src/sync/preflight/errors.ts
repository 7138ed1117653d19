/**
 * A registry the username or validate step consults failing (Okta refused the token, Okta or the
 * state unreachable) reaches the caller as a TransformRunError wrapping the real failure. The
 * read-only commands rethrow the real failure so that it gets its own message and exit code
 * (Okta authentication: 5, directory: 4) instead of an internal error.
 */
import { DirectoryError } from '../../directory/types';
import { OktaFatalError } from '../../okta/errors';
import { TransformRunError } from '../../transform';

export function fatalCause(e: unknown): unknown {
  let c: unknown = e;
  while (c instanceof TransformRunError && c.cause !== undefined) c = c.cause;
  return c instanceof OktaFatalError || c instanceof DirectoryError ? c : e;
}
