/**
 * Okta failures as the rest of the agent sees them: always with Okta's errorCode and errorSummary
 * when Okta sent them, never with the API token.
 */
export class OktaError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    readonly errorSummary: string,
    readonly errorCauses: string[],
    options?: { cause?: unknown },
  ) {
    super(
      `Okta ${status ?? 'request failed'}${errorCode ? ` ${errorCode}` : ''}: ${errorSummary}${errorCauses.length ? ` (${errorCauses.join('; ')})` : ''}`,
      options,
    );
    this.name = 'OktaError';
  }

  /** The request may or may not have been carried out (timeout, connection lost, 5xx). */
  get ambiguous(): boolean {
    return this.status === undefined || this.status >= 500;
  }

  /**
   * The token is wrong or revoked: no point going on with the run. (A 403 is about one resource,
   * e.g. an admin role that does not cover a group: that record or group is quarantined instead.)
   */
  get isAuthFailure(): boolean {
    return this.status === 401;
  }
}

/** Thrown for failures that make the whole run pointless (bad token, Okta unreachable). */
export class OktaFatalError extends Error {
  constructor(
    readonly kind: 'auth' | 'unreachable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OktaFatalError';
  }
}

interface SdkLikeError {
  name?: string;
  status?: number;
  errorCode?: string | number;
  errorSummary?: string;
  errorCauses?: { errorSummary?: string }[];
  message?: string;
  code?: string;
  type?: string;
}

/** What a failed Okta call means for the one record or group it was about. */
export type OktaFailure =
  /** It may have been carried out (timeout, connection lost, 5xx): counted as failed, tried again by the next run. */
  | { kind: 'ambiguous'; error: OktaError; reason: string }
  /** Okta answered and refused it: the record or group is quarantined with Okta's errorCode and summary. */
  | { kind: 'refused'; error: OktaError; reason: string };

/**
 * The one classifier of failed Okta calls in the write path. What is not about one record is
 * rethrown: a failure that makes the run pointless ({@link OktaFatalError}: bad token, Okta
 * unreachable), and anything that is not Okta's answer (an internal error, e.g. the state failing),
 * which stops the run as it is instead of being reported as Okta's.
 */
export function classifyOktaFailure(e: unknown): OktaFailure {
  if (e instanceof OktaFatalError || !(e instanceof OktaError)) throw e;
  return { kind: e.ambiguous ? 'ambiguous' : 'refused', error: e, reason: describeOktaError(e) };
}

/** Okta's errorCode (or the HTTP status), summary and causes, for reports and quarantine reasons. */
export function describeOktaError(e: OktaError): string {
  return `Okta ${e.errorCode ?? `HTTP ${e.status ?? '-'}`}: ${e.errorSummary}${e.errorCauses.length ? ` (${e.errorCauses.join('; ')})` : ''}`;
}

/** Map whatever the SDK or node-fetch threw to an {@link OktaError}. */
export function toOktaError(e: unknown): OktaError {
  if (e instanceof OktaError) return e;
  const err = (e ?? {}) as SdkLikeError;
  if (err.name === 'OktaApiError') {
    return new OktaError(
      err.status,
      err.errorCode === undefined ? undefined : String(err.errorCode),
      err.errorSummary ?? 'unknown error',
      (err.errorCauses ?? []).map((c) => c.errorSummary ?? '').filter(Boolean),
      { cause: e },
    );
  }
  if (err.name === 'HttpError') {
    return new OktaError(err.status, undefined, `non-JSON response: ${(err.message ?? '').slice(0, 200)}`, [], { cause: e });
  }
  // node-fetch FetchError (timeout, ECONNREFUSED, ECONNRESET) or our executor's errors
  const what = err.type === 'request-timeout' ? 'request timed out' : `${err.code ?? err.name ?? 'network error'}: ${err.message ?? ''}`;
  return new OktaError(undefined, undefined, what, [], { cause: e });
}
