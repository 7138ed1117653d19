/**
 * THE lists of network failures of a request to Okta, by what they say about the request:
 *
 * - **no connection** (the name did not resolve, the connection was refused, no route to the host
 *   or its network): the request was never sent. The executor (executor.ts) retries a user create
 *   or a lifecycle change only after such a failure — after any other, it may have happened and
 *   only its answer was lost.
 * - **certificate refused** (TLS rejected Okta's certificate before the request was written): never
 *   sent either, but retrying does not help.
 * - **Okta unreachable** = either of the two: when it outlives the retries, the client (client.ts)
 *   stops the run, as every other request would fail the same way.
 *
 * Any other failure of a request (a reset connection, a timeout, a broken pipe) may have been sent.
 */
const NO_CONNECTION: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CERTIFICATE_REFUSED: ReadonlySet<string> = new Set(['CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

/** The error code (`code`, as node and node-fetch set it) of a failure, or ''. */
function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/** No connection was made: the request never reached Okta, and a retry may succeed. */
export function noConnection(e: unknown): boolean {
  return NO_CONNECTION.has(codeOf(e));
}

/** Okta cannot be reached from here (no connection, or its certificate refused). */
export function oktaUnreachable(e: unknown): boolean {
  const code = codeOf(e);
  return NO_CONNECTION.has(code) || CERTIFICATE_REFUSED.has(code);
}
